/**
 * The request the tracing plugins send a batch with (Kong: resty.http request_uri with the plugin's
 * connect/send/read timeouts): one POST, the body read back so the connection is reused.
 */
import { Agent, request } from 'undici';

export interface ExportTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly readTimeoutMs: number;
  readonly dispatcher: Agent;
}

export function exportTarget(url: string, headers: Readonly<Record<string, string>>, timeouts: { connect_timeout: number; read_timeout: number }): ExportTarget {
  return Object.freeze({
    url,
    headers: Object.freeze({ ...headers }),
    readTimeoutMs: timeouts.read_timeout,
    // undici has no send timeout of its own: a body that cannot be written in time runs into the read timeout.
    dispatcher: new Agent({ connect: { timeout: timeouts.connect_timeout } }),
  });
}

/** The response's status and body, or why no response came. */
export async function post(target: ExportTarget, body: Uint8Array | string): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const res = await request(target.url, {
      method: 'POST',
      headers: { ...target.headers, 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) },
      body,
      dispatcher: target.dispatcher,
      headersTimeout: target.readTimeoutMs,
      bodyTimeout: target.readTimeoutMs,
    });
    return { status: res.statusCode, body: await res.body.text() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
