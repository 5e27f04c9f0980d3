import { checkMaxArgs, type ParsedBody, parseBody } from './body-parse.js';
import { getHeader, getHeaders } from './headers.js';
import { enter, Namespace } from './namespace.js';
import { type PhaseRule, rules } from './phase-rules.js';
import type { RequestState } from './state.js';

const R = rules('kong.service.response');

/** kong.service.response: what the upstream answered (null / empty when the gateway answered instead). */
export class PdkServiceResponse extends Namespace {
  get_status(): number | null {
    return enter(this, R.get_status).upstreamStatus;
  }

  get_header(name: string): string | null {
    const s = enter(this, R.get_header);
    if (typeof name !== 'string') throw new Error('name must be a string');
    return s.responseSource === 'service' ? getHeader(s.responseHeaders, name) : null;
  }

  get_headers(max?: number): Record<string, string | string[]> {
    const s = enter(this, R.get_headers);
    return s.responseSource === 'service' ? getHeaders(s.responseHeaders, max) : {};
  }

  /** The upstream's body as it came (not what body_filter made of it); needs buffered proxying (Kong). */
  get_raw_body(): Buffer {
    return serviceBody(enter(this, R.get_raw_body), R.get_raw_body);
  }

  /** The upstream's body parsed by its content type (or `mimetype`): [body, err, mimetype], as Kong. */
  get_body(mimetype?: string, maxArgs?: number): ParsedBody {
    const s = enter(this, R.get_body);
    const max = checkMaxArgs(maxArgs);
    const raw = serviceBody(s, R.get_body);
    const type = mimetype ?? (s.responseSource === 'service' ? getHeader(s.responseHeaders, 'content-type') : null);
    return parseBody(raw, type, max);
  }
}

function serviceBody(s: RequestState, r: PhaseRule): Buffer {
  // Kong: buffered proxying is kong.service.request.enable_buffering; sluice also buffers for body plugins.
  if (!s.bufferResponse && s.upstream?.bufferResponse !== true) {
    throw new Error('service body is only available with buffered proxying (see: kong.service.request.enable_buffering function)');
  }
  if (s.responseSource !== 'service') return Buffer.alloc(0);
  if (s.serviceBody !== null) return s.serviceBody;
  if (s.responseBody === null) {
    // The engine hands the buffered body over after header_filter (Kong reads it before).
    throw new Error(`${r.name}: the service body is not read yet in ${s.phase}; call it in body_filter or log`);
  }
  return s.responseBody;
}
