import { Redis, ReplyError } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { clientOptions, connectionName, type RedisConnection } from './connection.js';

/** Thrown without touching the network while the circuit is open. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** How often an open circuit sends PING over a connection that is up but stopped answering. */
const PROBE_MS = 200;

type State = 'connecting' | 'up' | 'down' | 'closed';

/**
 * One Redis client and the circuit in front of it. Kong fails a refused connection at once; so does this:
 * while Redis is unreachable (never connected, connection lost, or a command timed out or failed on the
 * connection) the circuit is open and `run` throws RedisUnavailableError synchronously with the request, without
 * a socket write or a timer. In the background ioredis reconnects (at most RECONNECT_MAX_MS apart) and a PING
 * probes a connection that is up but silent; the first success closes the circuit.
 *
 * Only the first use waits, for the first connect (bounded by the connection timeout), so the first request
 * after start or reload is counted when Redis is there.
 */
export class RedisEndpoint {
  readonly name: string;
  /** Incremented by every use; the pool closes endpoints it has not seen move. */
  uses = 0;
  #state: State = 'connecting';
  #connecting: Promise<void> | null;
  #lastError = 'not connected yet';
  #probe: NodeJS.Timeout | null = null;
  #probing = false;
  readonly #client: Redis;
  readonly #logger: Logger;

  constructor(connection: RedisConnection, logger: Logger) {
    this.name = connectionName(connection);
    this.#logger = logger;
    this.#client = new Redis(clientOptions(connection));
    // ioredis emits every failed (re)connect; the state changes below are what gets logged.
    this.#client.on('error', (err: Error) => {
      this.#lastError = err.message;
    });
    this.#client.on('ready', () => this.#up());
    this.#client.on('close', () => this.#down(this.#lastError));
    this.#connecting = this.#client.connect().then(
      () => {
        this.#connecting = null;
      },
      () => {
        this.#connecting = null;
        this.#down(this.#lastError);
      },
    );
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  /** Whether a command would be sent now (the circuit is closed). */
  get available(): boolean {
    return this.#state === 'up' && this.#client.status === 'ready';
  }

  /**
   * Runs `command(client, arg)` when Redis is reachable, otherwise throws RedisUnavailableError at once. A
   * failure other than Redis's own error reply (which proves Redis is there) opens the circuit. (`arg` lets a
   * caller pass a compiled function instead of a closure per request.)
   */
  async run<A, T>(command: (client: Redis, arg: A) => Promise<T>, arg: A): Promise<T> {
    this.uses++;
    if (this.#connecting !== null) await this.#connecting;
    if (!this.available) throw new RedisUnavailableError(`redis ${this.name} is unavailable: ${this.#lastError}`);
    try {
      return await command(this.#client, arg);
    } catch (err) {
      if (!(err instanceof ReplyError)) {
        this.#lastError = (err as Error).message;
        this.#down(this.#lastError);
      }
      throw err;
    }
  }

  /** Gives the connection back; idempotent. Commands in flight fail, later ones are refused. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stopProbe();
    if (this.#client.status === 'ready') {
      // QUIT lets replies in flight arrive; a Redis that does not answer it soon is cut off (≤ 1 s in all).
      const cut = setTimeout(() => this.#client.disconnect(), 500);
      await this.#client.quit().catch(() => this.#client.disconnect());
      clearTimeout(cut);
    } else {
      this.#client.disconnect();
    }
  }

  #up(): void {
    if (this.#state === 'closed' || this.#state === 'up') return;
    const wasDown = this.#state === 'down';
    this.#state = 'up';
    this.#stopProbe();
    if (wasDown) this.#logger.info(`redis ${this.name} is available again`);
  }

  #down(reason: string): void {
    if (this.#state === 'closed') return;
    if (this.#state !== 'down') {
      this.#state = 'down';
      this.#logger.error(`redis ${this.name} is unavailable, requests needing it fail at once until it answers: ${reason}`);
    }
    // A live connection that stopped answering is not reconnected by ioredis: PING it until it answers.
    if (this.#client.status === 'ready' && this.#probe === null) {
      this.#probe = setInterval(() => this.#ping(), PROBE_MS);
      this.#probe.unref();
    }
  }

  #ping(): void {
    if (this.#probing || this.#client.status !== 'ready') return;
    this.#probing = true;
    this.#client.ping().then(
      () => {
        this.#probing = false;
        this.#up();
      },
      () => {
        this.#probing = false;
      },
    );
  }

  #stopProbe(): void {
    if (this.#probe !== null) clearInterval(this.#probe);
    this.#probe = null;
  }
}
