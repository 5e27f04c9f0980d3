import { Agent, request } from 'undici';
import type { BatchHandler } from '../queue/queue.js';

export interface Endpoint {
  /** The endpoint without its user info (what requests and error messages name). */
  readonly url: string;
  readonly hostPort: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Kong sends a batch of one as the entry itself only when max_batch_size is 1; otherwise always an array. */
  readonly single: boolean;
  readonly dispatcher: Agent;
}

/**
 * The endpoint as Kong's http-log sends to it (handler.lua send_entries): user info becomes Basic
 * Authorization, the plugin's own Content-Type wins over configured headers, no TLS verification (Kong passes
 * ssl_verify = false), idle connections kept for `keepalive` ms.
 */
export function endpointOf(config: {
  http_endpoint: string;
  method: string;
  content_type: string;
  timeout: number;
  keepalive: number;
  headers?: Readonly<Record<string, string>> | null;
  single: boolean;
}): Endpoint {
  const u = new URL(config.http_endpoint);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.headers ?? {})) headers[k.toLowerCase()] = v;
  headers['content-type'] = config.content_type;
  if (u.username !== '' || u.password !== '') {
    const userinfo = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    headers.authorization = `Basic ${Buffer.from(userinfo).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
  return Object.freeze({
    url: u.toString(),
    hostPort: `${u.hostname}:${port}`,
    method: config.method,
    headers: Object.freeze(headers),
    timeoutMs: config.timeout,
    single: config.single,
    dispatcher: new Agent({ keepAliveTimeout: config.keepalive, connect: { rejectUnauthorized: false } }),
  });
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/**
 * The queue's batch handler: one request per batch, a JSON array of the entries. Entries are queued as
 * encoded JSON (one small Buffer each, not a string tree kept alive until the batch goes), so a batch is
 * copied together once.
 */
export const sendBatch: BatchHandler<Buffer, Endpoint> = async (ep, batch) => {
  let body = batch[0]!;
  if (!ep.single) {
    const parts: Buffer[] = [OPEN];
    for (let i = 0; i < batch.length; i++) {
      if (i > 0) parts.push(COMMA);
      parts.push(batch[i]!);
    }
    parts.push(CLOSE);
    body = Buffer.concat(parts);
  }
  let res;
  try {
    res = await request(ep.url, {
      method: ep.method as 'POST',
      headers: { ...ep.headers, 'content-length': String(body.length) },
      body,
      dispatcher: ep.dispatcher,
      headersTimeout: ep.timeoutMs,
      bodyTimeout: ep.timeoutMs,
    });
  } catch (err) {
    return `failed request to ${ep.hostPort}: ${(err as Error).message}`;
  }
  // Kong reads the body even on success, so the connection can be reused.
  const text = await res.body.text();
  if (res.statusCode < 300) return true;
  return `request to ${ep.hostPort} returned status code ${res.statusCode} and body ${text}`;
};
