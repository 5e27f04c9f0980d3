/**
 * A minimal gateway around relayWebSocket for tests: a real `ws` client connects to it on 127.0.0.1, it makes
 * the upstream handshake with a real `ws` server, answers the client's 101 itself, then hands both sockets to
 * the relay. Every session records the relay's sockets and its close info, so tests can prove teardown.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { type FrameHooks, relayWebSocket, type RelayOptions, type WebSocketRelay, type WsCloseInfo } from '../../src/http/websocket-relay.js';
import { acceptKey } from '../helpers/websocket.js';

export type OnFrame = FrameHooks['onFrame'];

export interface Session {
  readonly clientSocket: Duplex;
  readonly upstreamSocket: Duplex;
  readonly relay: WebSocketRelay;
  /** Resolves with the relay's onClose info (once). */
  readonly closed: Promise<WsCloseInfo>;
  readonly onCloseCalls: () => number;
}

export type Event =
  | { kind: 'message'; data: Buffer; binary: boolean }
  | { kind: 'ping' | 'pong'; data: Buffer }
  | { kind: 'close'; code: number; reason: string };

/** Everything a WebSocket receives, in order, awaitable one at a time. */
export class Recorder {
  private readonly events: Event[] = [];
  private waiter: (() => void) | null = null;

  constructor(ws: WebSocket) {
    ws.on('message', (data: Buffer, binary: boolean) => this.push({ kind: 'message', data, binary }));
    ws.on('ping', (data: Buffer) => this.push({ kind: 'ping', data }));
    ws.on('pong', (data: Buffer) => this.push({ kind: 'pong', data }));
    ws.on('close', (code: number, reason: Buffer) => this.push({ kind: 'close', code, reason: reason.toString() }));
    ws.on('error', () => {});
  }

  private push(e: Event): void {
    this.events.push(e);
    this.waiter?.();
  }

  /** The next event, or a rejection after `ms`. */
  async next(ms = 3000): Promise<Event> {
    const deadline = Date.now() + ms;
    while (this.events.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no event within the time limit');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.events.shift()!;
  }

  /** Text of the next message (fails on any other event). */
  async text(ms?: number): Promise<string> {
    const e = await this.next(ms);
    if (e.kind !== 'message') throw new Error(`expected a message, got ${JSON.stringify(e)}`);
    return e.data.toString();
  }

  async close(ms?: number): Promise<{ code: number; reason: string }> {
    for (;;) {
      const e = await this.next(ms);
      if (e.kind === 'close') return e;
    }
  }

  /** Events received so far and not yet taken. */
  pending(): readonly Event[] {
    return this.events;
  }
}

export interface Pair {
  readonly client: WebSocket;
  readonly server: WebSocket;
  readonly clientEvents: Recorder;
  readonly serverEvents: Recorder;
  readonly session: Session;
}

export interface Harness {
  readonly port: number;
  /** Opens a client through the relay to the upstream; resolves once both ends are open. */
  pair(onFrame: OnFrame, opts?: Partial<RelayOptions>): Promise<Pair>;
  /** A raw TCP client that has completed the handshake (for frames `ws` would refuse to send). */
  raw(onFrame: OnFrame, opts?: Partial<RelayOptions>): Promise<{ socket: Socket; first: Buffer; server: WebSocket; serverEvents: Recorder; session: Session }>;
  close(): Promise<void>;
}

export const forwardAll: OnFrame = () => 'forward';

const DEFAULTS: RelayOptions = { clientMaxPayload: 1024 * 1024, upstreamMaxPayload: 16 * 1024 * 1024, idleTimeoutMs: 0, closeTimeoutMs: 1000 };

export async function startHarness(): Promise<Harness> {
  const upstream = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((r) => upstream.once('listening', () => r()));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const serverSides = new Map<string, (ws: WebSocket) => void>();
  upstream.on('connection', (ws, req: IncomingMessage) => serverSides.get(req.url ?? '')?.(ws));

  const pendingSessions = new Map<string, { onFrame: OnFrame; opts: RelayOptions; resolve: (s: Session) => void }>();
  const sockets = new Set<Duplex>();
  const gateway: Server = createServer((_req, res) => res.end());
  gateway.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    const pending = pendingSessions.get(req.url ?? '');
    if (!pending) return socket.destroy();
    const up = request({
      host: '127.0.0.1',
      port: upstreamPort,
      path: req.url,
      agent: false,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Version': '13' },
    });
    up.on('upgrade', (_res, upSocket: Socket, upHead: Buffer) => {
      sockets.add(upSocket);
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(String(req.headers['sec-websocket-key']))}\r\n\r\n`,
      );
      let calls = 0;
      let done!: (info: WsCloseInfo) => void;
      const closed = new Promise<WsCloseInfo>((r) => (done = r));
      const relay = relayWebSocket(socket, head, upSocket, upHead, {
        onFrame: pending.onFrame,
        onClose: (info) => {
          calls++;
          done(info);
        },
      }, pending.opts);
      pending.resolve({ clientSocket: socket, upstreamSocket: upSocket, relay, closed, onCloseCalls: () => calls });
    });
    up.on('error', () => socket.destroy());
    up.end();
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  const port = (gateway.address() as AddressInfo).port;
  let seq = 0;

  function expect(path: string, onFrame: OnFrame, opts: Partial<RelayOptions>) {
    const session = new Promise<Session>((resolve) => pendingSessions.set(path, { onFrame, opts: { ...DEFAULTS, ...opts }, resolve }));
    const server = new Promise<WebSocket>((resolve) => serverSides.set(path, resolve));
    return { session, server };
  }

  return {
    port,
    async pair(onFrame, opts = {}) {
      const path = `/s/${++seq}`;
      const { session, server } = expect(path, onFrame, opts);
      const client = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
      const clientEvents = new Recorder(client);
      await new Promise<void>((resolve, reject) => {
        client.once('open', () => resolve());
        client.once('error', reject);
      });
      const srv = await server;
      return { client, server: srv, clientEvents, serverEvents: new Recorder(srv), session: await session };
    },
    async raw(onFrame, opts = {}) {
      const path = `/s/${++seq}`;
      const { session, server } = expect(path, onFrame, opts);
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      );
      // Everything after the 101 head, as it arrives.
      const first = await new Promise<Buffer>((resolve) => {
        let buf = Buffer.alloc(0);
        const onData = (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          const end = buf.indexOf('\r\n\r\n');
          if (end >= 0) {
            socket.off('data', onData);
            socket.pause();
            resolve(buf.subarray(end + 4));
          }
        };
        socket.on('data', onData);
      });
      const srv = await server;
      return { socket, first, server: srv, serverEvents: new Recorder(srv), session: await session };
    },
    async close() {
      for (const s of sockets) s.destroy();
      for (const ws of upstream.clients) ws.terminate();
      await new Promise<void>((r) => gateway.close(() => r()));
      await new Promise<void>((r) => upstream.close(() => r()));
    },
  };
}

/** One frame as a client writes it: FIN set, masked unless `masked` is false. */
export function rawFrame(opcode: number, payload: Buffer, masked = true): Buffer {
  const len = payload.length;
  if (len > 125) throw new Error('raw test frames are small');
  if (!masked) return Buffer.concat([Buffer.from([0x80 | opcode, len]), payload]);
  const mask = randomBytes(4);
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | len]), mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}

/** Reads frames an unmasked server writes, until a close frame; resolves with its status. */
export function readUntilClose(socket: Socket, first: Buffer, ms = 3000): Promise<{ code: number | null; reason: string } | null> {
  return new Promise((resolve) => {
    let buf = first;
    const timer = setTimeout(() => finish(null), ms);
    const finish = (v: { code: number | null; reason: string } | null) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(v);
    };
    const scan = () => {
      while (buf.length >= 2) {
        const opcode = buf[0]! & 0x0f;
        const len = buf[1]! & 0x7f;
        if (len > 125) return finish(null);
        if (buf.length < 2 + len) return;
        const payload = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        if (opcode === 8) return finish(len >= 2 ? { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString() } : { code: null, reason: '' });
      }
    };
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      scan();
    };
    const onClose = () => finish(null);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.resume();
    scan();
  });
}
