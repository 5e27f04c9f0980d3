import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { listenLocal } from './listen.js';
import { acceptKey } from './websocket.js';

export interface Recorded {
  readonly kind: 'request' | 'upgrade';
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
}

export interface RecordingUpstream {
  readonly port: number;
  readonly url: string;
  /** Every request that reached this upstream, plain or upgrade, in arrival order. */
  readonly seen: Recorded[];
  /** What reached it carrying `x-case: <id>`. */
  casesSeen(id: string): Recorded[];
  close(): Promise<void>;
}

/**
 * An upstream that records everything reaching it: plain requests answered 200 with a JSON echo, WebSocket
 * handshakes accepted with a 101 and then echoed byte for byte. The attack tests read it to prove what never
 * arrived.
 */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const seen: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ kind: 'request', method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, headers: req.headers }));
    });
  });
  server.on('upgrade', (req, socket: Socket) => {
    seen.push({ kind: 'upgrade', method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders });
    socket.on('error', () => socket.destroy());
    const key = String(req.headers['sec-websocket-key'] ?? 'x');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
    socket.on('data', (d: Buffer) => socket.write(d));
  });
  const { port, url, close } = await listenLocal(server);
  return { port, url, seen, casesSeen: (id) => seen.filter((r) => r.headers['x-case'] === id), close };
}
