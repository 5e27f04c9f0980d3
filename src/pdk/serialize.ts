import { parseQuery } from './request-body.js';
import type { RequestState } from './state.js';

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
