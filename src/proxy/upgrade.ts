import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * The edge between node:http's `upgrade` event and the one request lifecycle. Node hands every request with
 * `Connection: upgrade` + `Upgrade` to that event with the raw socket and no response object; sluice turns it
 * back into an ordinary (req, res) request here, so routing, plugins and the upstream request are the same code
 * for upgrades as for anything else.
 */

/**
 * Kong forwards an upgrade only for WebSocket (runloop: `Upgrade: websocket` → `Connection: keep-alive,
 * Upgrade` upstream). RFC 6455 handshakes are GETs; anything else with an Upgrade header is a plain request.
 */
export function isWebSocketHandshake(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return req.method === 'GET' && upgrade !== undefined && upgrade.toLowerCase() === 'websocket';
}

/**
 * A ServerResponse written to a handshake socket that node:http no longer manages: answers (401, 404, a declined
 * upgrade relayed from upstream) are framed by node:http as usual, then the connection closes. Its `close` event
 * fires when the socket closes — after the tunnel, for a switched connection — which is when the log phase runs.
 */
export function responseOnSocket(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.assignSocket(socket as Socket);
  res.shouldKeepAlive = false;
  res.once('finish', () => {
    const s = socket as Socket;
    if (typeof s.destroySoon === 'function') s.destroySoon();
    else socket.end();
  });
  return res;
}

/** Marks a socket handed back to node:http (its connection was already counted). */
export const REPARSED = Symbol('sluice.reparsed');

/**
 * An upgrade Kong would not forward (`h2c`, anything but a WebSocket GET): the request is re-read by node:http
 * as a plain request with `Upgrade` removed and `upgrade` dropped from its Connection list (what nginx sends
 * upstream), followed by whatever the client sent after its head (a body, pipelined requests). It then enters
 * the lifecycle through the `request` event like any other request; no upgrade reaches the upstream.
 */
export function reparseAsPlain(
  emitConnection: (socket: Duplex) => void,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const raw = req.rawHeaders;
  let text = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (lower === 'upgrade') continue;
    let value = raw[i + 1]!;
    if (lower === 'connection') {
      value = value
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '' && t.toLowerCase() !== 'upgrade')
        .join(', ');
      if (value === '') continue;
    }
    text += `${name}: ${value}\r\n`;
  }
  (socket as Duplex & { [REPARSED]?: boolean })[REPARSED] = true;
  socket.unshift(head.length > 0 ? Buffer.concat([Buffer.from(`${text}\r\n`, 'latin1'), head]) : Buffer.from(`${text}\r\n`, 'latin1'));
  emitConnection(socket);
}
