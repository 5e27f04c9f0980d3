import { createHash, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { listenLocal } from './listen.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** Encodes one small text frame (RFC 6455), masked when sent by a client. */
export function encodeFrame(text: string, masked: boolean): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('test frames are small');
  const head = Buffer.from([0x81, (masked ? 0x80 : 0) | payload.length]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([head, mask, body]);
}

export function decodeFrame(buf: Buffer): string | null {
  if (buf.length < 2) return null;
  const masked = (buf[1]! & 0x80) !== 0;
  const len = buf[1]! & 0x7f;
  const start = 2 + (masked ? 4 : 0);
  if (buf.length < start + len) return null;
  const payload = buf.subarray(start, start + len);
  if (!masked) return payload.toString();
  const mask = buf.subarray(2, 6);
  return Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!)).toString();
}

/** A WebSocket echo server: answers each text frame with `echo:<text>` and reports the upgrade request's URL. */
export async function startWebSocketEcho(): Promise<{ port: number; urls: string[]; close(): Promise<void> }> {
  const urls: string[] = [];
  const server: Server = createServer((_req, res) => res.end('not a websocket'));
  server.on('upgrade', (req, socket: Socket) => {
    urls.push(req.url ?? '');
    const key = String(req.headers['sec-websocket-key']);
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
    );
    socket.on('data', (d: Buffer) => {
      const text = decodeFrame(d);
      if (text !== null) socket.write(encodeFrame(`echo:${text}`, false));
    });
    socket.on('error', () => socket.destroy());
  });
  const { port, close } = await listenLocal(server);
  return { port, urls, close };
}

/** Opens a WebSocket through `port` at `path`, sends one text frame, resolves with the reply text. */
export function websocketRoundTrip(port: number, path: string, text: string): Promise<{ status: number; reply: string | null }> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
      agent: false,
      timeout: 5000,
    });
    req.on('upgrade', (res, socket: Socket) => {
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) reject(new Error('bad accept key'));
      socket.once('data', (d: Buffer) => {
        resolve({ status: res.statusCode ?? 0, reply: decodeFrame(d) });
        socket.destroy();
      });
      socket.write(encodeFrame(text, true));
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, reply: null });
    });
    req.on('timeout', () => req.destroy(new Error('websocket timed out')));
    req.on('error', reject);
    req.end();
  });
}
