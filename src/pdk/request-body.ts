import type { IncomingMessage } from 'node:http';
import type { RequestState } from './state.js';

/** Reads a request body into memory, refusing more than `max` bytes (the caller answers 413). */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.destroy();
        reject(Object.assign(new Error(`request body larger than ${max} bytes`), { status: 413 }));
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Kong's get_query: repeated keys become arrays, a key without `=` is `true`. */
export function parseQuery(raw: string, max: number): Record<string, string | string[] | true> {
  const out: Record<string, string | string[] | true> = {};
  if (!raw) return out;
  let n = 0;
  for (const part of raw.split('&')) {
    if (!part) continue;
    if (n++ >= max) break;
    const eq = part.indexOf('=');
    const k = decode(eq < 0 ? part : part.slice(0, eq));
    const v: string | true = eq < 0 ? true : decode(part.slice(eq + 1));
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = [...(Array.isArray(prev) ? prev : [String(prev)]), String(v)];
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Kong's kong.log.serialize(): the request summary log plugins send. */
export function serializeLog(state: RequestState): Record<string, unknown> {
  const out = baseSerialize(state);
  if (state.serializeValues !== null) for (const [key, value] of state.serializeValues) setDotted(out, key, value);
  return out;
}

/** `a.b.c` → out.a.b.c = value (Kong: kong.log.set_serialize_value keys are dotted paths; null removes). */
function setDotted(out: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = out;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]!];
    if (next === null || typeof next !== 'object') cur[parts[i]!] = {};
    cur = cur[parts[i]!] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (value === null || value === undefined) delete cur[last];
  else cur[last] = value;
}

function baseSerialize(state: RequestState): Record<string, unknown> {
  const { req, res } = state;
  return {
    request: {
      id: state.requestId,
      method: req.method,
      uri: state.rawPath + state.query,
      url: `${state.scheme}://${req.headers.host ?? ''}${state.rawPath}${state.query}`,
      headers: { ...req.headers, authorization: req.headers.authorization ? 'REDACTED' : undefined },
      querystring: parseQuery(state.query.slice(1), 100),
      size: Number(req.headers['content-length'] ?? 0),
    },
    response: { status: state.responseStatus || res.statusCode, headers: res.getHeaders() },
    route: state.route ? { id: state.route.id, name: state.route.name } : null,
    service: state.service ? { id: state.service.id, name: state.service.name } : null,
    consumer: state.consumer ? { id: state.consumer.id, username: state.consumer.username } : null,
    client_ip: req.socket.remoteAddress,
    started_at: Math.round(performance.timeOrigin + state.startedAt),
    latencies: {
      request: Math.round(performance.now() - state.startedAt),
      proxy: state.upstreamLatencyMs ?? -1,
    },
    upstream_status: state.upstreamStatus,
  };
}
