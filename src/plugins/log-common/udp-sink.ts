import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import type { Logger } from '../../log/logger.js';
import { Drops } from './drops.js';

/** A host name is looked up again after this long, so a DNS change reaches a long-lived socket. */
const RESOLVE_EVERY_MS = 30_000;
/** Datagrams that may wait for the name lookup before new ones are dropped. */
const MAX_WAITING = 1000;

export const udpKey = (owner: string, host: string, port: number): string => `${owner}|${host}|${port}`;

/**
 * A gateway's UDP socket to one log receiver (udp-log, statsd), connected to its address. Kong opens a socket,
 * `setpeername`s, sends and closes per entry; one socket per destination sends the same datagrams without a
 * socket and a lookup per request. Datagrams are fire-and-forget, as in Kong: a receiver that is down loses
 * them (an ICMP refusal is reported on a later send, counted, and the socket replaced).
 */
export class UdpSink {
  readonly #host: string;
  readonly #port: number;
  readonly #drops: Drops;
  readonly #where: string;
  #socket: Socket | null = null;
  #ready = false;
  #opening = false;
  #resolvedAt = 0;
  #waiting: Buffer[] = [];
  #closed = false;
  lastUsed = Date.now();

  constructor(owner: string, host: string, port: number, log: Logger) {
    this.#host = host;
    this.#port = port;
    this.#where = `${host}:${port}`;
    this.#drops = new Drops(log, `${owner} ${this.#where}`);
  }

  get dropped(): number {
    return this.#drops.count;
  }

  get idle(): boolean {
    return this.#waiting.length === 0;
  }

  /** Sends one datagram; never throws, never blocks. */
  send(data: string | Buffer): void {
    this.lastUsed = Date.now();
    if (this.#closed) return;
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.#ready && isIP(this.#host) === 0 && Date.now() - this.#resolvedAt > RESOLVE_EVERY_MS) this.#replace();
    if (this.#ready) return this.#send(this.#socket!, buf);
    if (this.#waiting.length >= MAX_WAITING) return this.#drops.drop(1, `could not connect to ${this.#where}: still resolving`);
    this.#waiting.push(buf);
    if (this.#socket === null && !this.#opening) this.#open();
  }

  close(): void {
    this.#closed = true;
    this.#replace();
    if (this.#waiting.length > 0) this.#drops.drop(this.#waiting.length, 'the gateway stopped before they were sent');
    this.#waiting = [];
  }

  #open(): void {
    this.#opening = true;
    const start = (address: string, fam: number) => {
      this.#opening = false;
      if (this.#closed) return;
      const s = createSocket(fam === 6 ? 'udp6' : 'udp4');
      // Log sockets never keep the process alive on their own (close() is the gateway's stop).
      s.unref();
      this.#socket = s;
      s.on('error', (err) => {
        this.#drops.drop(1, `could not send data to ${this.#where}: ${err.message}`);
        if (this.#socket === s) this.#replace();
      });
      s.connect(this.#port, address, () => {
        if (this.#socket !== s) return;
        this.#ready = true;
        this.#resolvedAt = Date.now();
        const waiting = this.#waiting;
        this.#waiting = [];
        for (const b of waiting) this.#send(s, b);
      });
    };
    const family = isIP(this.#host);
    if (family !== 0) return start(this.#host, family);
    lookup(this.#host, (err, address, fam) => {
      if (!err) return start(address, fam);
      this.#opening = false;
      const n = this.#waiting.length;
      this.#waiting = [];
      this.#drops.drop(n, `could not connect to ${this.#where}: ${err.message}`);
    });
  }

  #send(s: Socket, buf: Buffer): void {
    s.send(buf, (err) => {
      if (err) this.#drops.drop(1, `could not send data to ${this.#where}: ${err.message}`);
      else this.#drops.delivered();
    });
  }

  #replace(): void {
    const s = this.#socket;
    this.#socket = null;
    this.#ready = false;
    if (s !== null) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }
}
