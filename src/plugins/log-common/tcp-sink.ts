import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Logger } from '../../log/logger.js';
import { Drops } from './drops.js';

export interface TcpDestination {
  readonly host: string;
  readonly port: number;
  /** Kong's `timeout`: connect, handshake and each send, ms. */
  readonly timeoutMs: number;
  /** Kong's `keepalive`: how long an idle connection is kept, ms. */
  readonly keepaliveMs: number;
  readonly tls: boolean;
  /** SNI for the handshake; none when absent (Kong: sslhandshake(false, conf.tls_sni, false)). */
  readonly sni?: string | null | undefined;
  /** Who sends, for log lines ("tcp-log", "statsd"). */
  readonly owner: string;
}

/** Bytes that may wait (connecting, or unsent in the socket) before new entries are dropped. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export const tcpKey = (d: TcpDestination): string => `${d.owner}|${d.host}|${d.port}|${d.tls ? `tls:${d.sni ?? ''}` : 'plain'}|${d.timeoutMs}|${d.keepaliveMs}`;

/**
 * One kept-alive connection of a gateway to a TCP (or TLS) log receiver, shared by the instances that send
 * there. Kong's tcp-log takes a connection from the cosocket keepalive pool per entry and puts it back with
 * `setkeepalive(keepalive)`; here one connection carries every entry in order, opened on demand, closed after
 * `keepalive` ms idle, reopened after the receiver closes it. The certificate is not verified (Kong passes
 * verify = false). Entries that wait while it connects, or that the socket has not taken yet, are bounded:
 * beyond that they are dropped and counted. A receiver that is down costs one connection attempt at a time,
 * and the entries waiting for it, never a request.
 */
export class TcpSink {
  readonly #dest: TcpDestination;
  readonly #drops: Drops;
  readonly #where: string;
  #socket: Socket | null = null;
  #ready = false;
  #waiting: { data: string; done: ((r: true | string) => void) | null }[] = [];
  #waitingBytes = 0;
  #stall: NodeJS.Timeout | null = null;
  #closed = false;
  lastUsed = Date.now();

  constructor(dest: TcpDestination, log: Logger) {
    this.#dest = dest;
    this.#where = `${dest.host}:${dest.port}`;
    this.#drops = new Drops(log, `${dest.owner} ${this.#where}`);
  }

  get dropped(): number {
    return this.#drops.count;
  }

  get idle(): boolean {
    return this.#waiting.length === 0 && (this.#socket === null || this.#socket.writableLength === 0);
  }

  /** Sends `data` (never throws, never blocks); `done` learns whether the socket took it, or why not. */
  send(data: string, done: ((r: true | string) => void) | null = null): void {
    this.lastUsed = Date.now();
    if (this.#closed) return this.#fail(1, 'the gateway is stopping', done);
    if (this.#ready && this.#socket !== null) return this.#write(data, done);
    if (this.#waitingBytes + data.length > MAX_BUFFERED_BYTES) {
      return this.#fail(1, `failed to connect to ${this.#where}: still connecting with ${this.#waitingBytes} bytes waiting`, done);
    }
    this.#waiting.push({ data, done });
    this.#waitingBytes += data.length;
    if (this.#socket === null) this.#connect();
  }

  /** Closes the connection once what it holds is sent (within `deadlineMs`). */
  async close(deadlineMs: number): Promise<void> {
    this.#closed = true;
    const s = this.#socket;
    if (s === null) return this.#dropWaiting('the gateway stopped before they were sent');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => s.destroy(), deadlineMs);
      s.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.#ready) s.end();
      else {
        this.#dropWaiting('the gateway stopped before they were sent');
        s.destroy();
      }
    });
  }

  #connect(): void {
    const d = this.#dest;
    const s = d.tls
      ? tlsConnect({ host: d.host, port: d.port, servername: d.sni ?? '', rejectUnauthorized: false })
      : netConnect({ host: d.host, port: d.port });
    // Log connections never keep the process alive on their own (close() is the gateway's stop).
    s.unref();
    this.#socket = s;
    this.#ready = false;
    const stage = d.tls ? 'perform TLS handshake to' : 'connect to';
    const timer = setTimeout(() => s.destroy(new Error('timeout')), d.timeoutMs);
    s.once(d.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      this.#ready = true;
      // Kong's keepalive: an idle connection is closed after it.
      s.setTimeout(d.keepaliveMs, () => this.#retire(s));
      const waiting = this.#waiting;
      this.#waiting = [];
      this.#waitingBytes = 0;
      for (const w of waiting) this.#write(w.data, w.done);
    });
    // Receivers do not answer; whatever they send is read and dropped so the socket never stalls on it.
    s.on('data', () => undefined);
    s.on('drain', () => this.#clearStall());
    s.on('error', (err) => {
      clearTimeout(timer);
      if (!this.#ready) this.#dropWaiting(`failed to ${stage} ${this.#where}: ${err.message}`);
      else if (s.writableLength > 0) this.#drops.drop(1, `failed to send data to ${this.#where}: ${err.message}`);
    });
    s.once('close', () => {
      clearTimeout(timer);
      this.#clearStall();
      if (this.#socket === s) {
        this.#socket = null;
        this.#ready = false;
      }
      // Entries queued after the receiver closed an established connection go on a new one.
      if (this.#waiting.length > 0 && this.#socket === null && !this.#closed) this.#connect();
    });
  }

  #write(data: string, done: ((r: true | string) => void) | null): void {
    const s = this.#socket!;
    if (s.writableLength + data.length > MAX_BUFFERED_BYTES) {
      return this.#fail(1, `failed to send data to ${this.#where}: ${s.writableLength} bytes not yet sent`, done);
    }
    s.write(data, (err) => {
      if (err) return done?.(`failed to send data to ${this.#where}: ${err.message}`);
      this.#drops.delivered();
      done?.(true);
    });
    // Kong's timeout bounds each send: a receiver that stops reading is given up.
    if (s.writableLength > 0 && this.#stall === null) {
      this.#stall = setTimeout(() => s.destroy(new Error('timeout')), this.#dest.timeoutMs);
    }
  }

  /** New entries go on a new connection; this one ends once it has sent what it holds. */
  #retire(s: Socket): void {
    if (this.#socket === s) {
      this.#socket = null;
      this.#ready = false;
    }
    s.end();
  }

  #clearStall(): void {
    if (this.#stall !== null) clearTimeout(this.#stall);
    this.#stall = null;
  }

  #dropWaiting(reason: string): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#waitingBytes = 0;
    if (waiting.length === 0) return;
    this.#drops.drop(waiting.length, reason);
    for (const w of waiting) w.done?.(reason);
  }

  #fail(n: number, reason: string, done: ((r: true | string) => void) | null): void {
    this.#drops.drop(n, reason);
    done?.(reason);
  }
}
