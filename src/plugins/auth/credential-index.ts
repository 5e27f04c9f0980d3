import type { Consumer, Entities, ForeignRef } from '../../schema/index.js';
import { perSnapshot } from './per-snapshot.js';

/** A credential already joined with its consumer, so a request needs one map lookup. */
export interface Owned<C> {
  readonly credential: C;
  readonly consumer: Consumer;
}

export interface ConsumerIndex {
  readonly byId: ReadonlyMap<string, Consumer>;
  readonly byUsername: ReadonlyMap<string, Consumer>;
}

export const consumerIndex = perSnapshot((e): ConsumerIndex => {
  const byId = new Map<string, Consumer>();
  const byUsername = new Map<string, Consumer>();
  for (const c of e.consumers) {
    byId.set(c.id, c);
    if (c.username !== null) byUsername.set(c.username, c);
  }
  return { byId, byUsername };
});

/** Kong's load_consumer(value, true): a consumer id first, then a username (anonymous settings accept both). */
export function findConsumer(entities: Entities | undefined, idOrUsername: string): Consumer | null {
  const index = consumerIndex(entities);
  return index.byId.get(idOrUsername) ?? index.byUsername.get(idOrUsername) ?? null;
}

/**
 * Indexes credentials by the field a request presents. A credential whose consumer is missing is left out
 * (it cannot authenticate anyone), which keeps the request path free of that check.
 */
export function indexBy<C extends { readonly consumer: ForeignRef }>(
  entities: Entities,
  list: readonly C[],
  key: (c: C) => string | null,
): Map<string, Owned<C>> {
  const consumers = consumerIndex(entities).byId;
  const out = new Map<string, Owned<C>>();
  for (const credential of list) {
    const k = key(credential);
    const consumer = credential.consumer === null ? undefined : consumers.get(credential.consumer.id);
    if (k !== null && consumer !== undefined) out.set(k, { credential, consumer });
  }
  return out;
}

export const keyauthByKey = perSnapshot((e) => indexBy(e, e.keyauth_credentials, (c) => c.key));
export const basicauthByUsername = perSnapshot((e) => indexBy(e, e.basicauth_credentials, (c) => c.username));
export const hmacauthByUsername = perSnapshot((e) => indexBy(e, e.hmacauth_credentials, (c) => c.username));

/** ACL groups per consumer id, in file order (the order of the X-Consumer-Groups header). */
export const aclGroupsByConsumer = perSnapshot((e) => {
  const out = new Map<string, string[]>();
  for (const acl of e.acls) {
    if (acl.consumer === null) continue;
    const list = out.get(acl.consumer.id);
    if (list === undefined) out.set(acl.consumer.id, [acl.group]);
    else if (!list.includes(acl.group)) list.push(acl.group);
  }
  return out as ReadonlyMap<string, readonly string[]>;
});
