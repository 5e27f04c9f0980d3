/**
 * Kong Enterprise's checks around the handshake of a ws/wss service (runloop/websocket.lua): the client's
 * request must be a valid RFC 6455 handshake (checked after the ws_handshake plugins ran, answered 400), no
 * extension is negotiated (the request's Sec-WebSocket-Extensions is removed before it goes upstream), and an
 * upstream that accepts an extension anyway is refused (501), since the relay cannot read compressed frames.
 */
import type { IncomingHttpHeaders } from 'node:http';

export const EXTENSIONS_HEADER = 'sec-websocket-extensions';

const single = (v: string | string[] | undefined): string | null => (typeof v === 'string' ? v : null);

/**
 * Why a request is not a WebSocket handshake Kong would proxy, or null. node:http joins a repeated header with
 * ", ", so a key or version sent twice no longer looks like one value (Kong: each must appear exactly once).
 */
export function handshakeProblem(method: string, headers: IncomingHttpHeaders): string | null {
  if (method !== 'GET') return 'invalid request method';
  const connection = single(headers.connection);
  if (connection === null || !connection.toLowerCase().includes('upgrade')) return "invalid/missing 'Connection' header";
  const upgrade = single(headers.upgrade);
  if (upgrade === null || !upgrade.toLowerCase().includes('websocket')) return "invalid/missing 'Upgrade' header";
  const key = single(headers['sec-websocket-key']);
  if (key === null || key === '' || key.includes(',')) return "invalid/missing 'Sec-WebSocket-Key' header";
  if (single(headers['sec-websocket-version']) !== '13') return "invalid/missing 'Sec-WebSocket-Version' header";
  return null;
}

/** The 400 body's message (Kong: kong.response.exit(400, message)). */
export const handshakeErrorMessage = (problem: string): string => `Cannot complete WebSocket handshake: ${problem}`;

/** The 501 message when the upstream's 101 accepts an extension the gateway removed from the request, or null. */
export function upstreamExtensionsProblem(responseHeaders: IncomingHttpHeaders): string | null {
  const ext = responseHeaders[EXTENSIONS_HEADER];
  if (ext === undefined) return null;
  return `WebSocket upstream sent unsupported Sec-WebSocket-Extensions (${Array.isArray(ext) ? ext.join(', ') : ext})`;
}
