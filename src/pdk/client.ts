import type { Consumer } from '../schema/index.js';
import { getHeader } from './headers.js';
import { ENV, enter, Namespace } from './namespace.js';
import { rules } from './phase-rules.js';

const R = rules('kong.client');

/** kong.client: who is calling. The address functions work in the certificate phase too (Kong). */
export class PdkClient extends Namespace {
  get_ip(): string {
    return enter(this, R.get_ip).req.socket.remoteAddress ?? '';
  }

  get_forwarded_ip(): string {
    const s = enter(this, R.get_forwarded_ip);
    return getHeader(s.upstream?.headers ?? null, 'x-real-ip') ?? s.req.socket.remoteAddress ?? '';
  }

  get_port(): number {
    return enter(this, R.get_port).req.socket.remotePort ?? 0;
  }

  get_forwarded_port(): number {
    return enter(this, R.get_forwarded_port).req.socket.remotePort ?? 0;
  }

  get_protocol(): 'http' | 'https' {
    return enter(this, R.get_protocol).scheme;
  }

  get_consumer(): Consumer | null {
    return enter(this, R.get_consumer).consumer;
  }

  get_credential(): { id: string; consumer_id?: string | null } | null {
    return enter(this, R.get_credential).credential;
  }

  get_consumer_groups(): string[] | null {
    return enter(this, R.get_consumer_groups).authenticatedGroups;
  }

  /** Sets the authenticated consumer and/or credential (at least one; Kong's messages). */
  authenticate(consumer: Consumer | null, credential: { id: string } | null): void {
    const s = enter(this, R.authenticate);
    if (consumer != null && typeof consumer !== 'object') throw new Error('consumer must be a table or nil');
    if (credential != null && typeof credential !== 'object') throw new Error('credential must be a table or nil');
    if (consumer == null && credential == null) throw new Error('either credential or consumer must be provided');
    s.consumer = consumer ?? null;
    s.credential = credential ?? null;
  }

  load_consumer(id: string, byUsername = false): [Consumer | null, string | null] {
    enter(this, R.load_consumer);
    if (typeof id !== 'string') throw new Error('consumer_id must be a string');
    const plan = this[ENV].plan;
    const c = plan.consumersById.get(id) ?? (byUsername ? plan.consumersByUsername.get(id) : undefined);
    return [c ?? null, null];
  }
}
