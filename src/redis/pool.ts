import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { connectionKey, type RedisConnection } from './connection.js';
import { RedisEndpoint } from './endpoint.js';

export { RedisUnavailableError } from './endpoint.js';
export type { RedisConnection } from './connection.js';

export interface RedisPoolOptions {
  readonly logger: Logger;
  /** Distinct connections held at once; the least recently acquired is closed to make room. */
  readonly maxClients?: number;
  /** An endpoint no request used for this long is closed (Kong's keepalive pools drop idle connections too). */
  readonly idleMs?: number;
}

/**
 * The Redis clients of one gateway: one per distinct connection config, shared by every plugin instance and
 * snapshot of that gateway, so counters and connections survive reloads. Owned by the runtime (created at
 * start, closed at stop); two gateways in one process share nothing. Plugins get it at create time and keep
 * a handle, which connects on its first use only: compiling a snapshot touches no socket.
 *
 * It lives below the plugins and the runtime (src/redis/ imports only ioredis and the logger's type) so that
 * the runtime that owns it never imports a plugin, and every Redis-backed plugin uses the same one.
 */
export class RedisPool {
  readonly #endpoints = new Map<string, RedisEndpoint>();
  readonly #logger: Logger;
  readonly #max: number;
  readonly #idleMs: number;
  #sweep: NodeJS.Timeout | null = null;
  #seen = new Map<RedisEndpoint, number>();
  #closed = false;

  constructor(opts: RedisPoolOptions) {
    this.#logger = opts.logger;
    this.#max = opts.maxClients ?? 64;
    this.#idleMs = opts.idleMs ?? 60_000;
  }

  /** What a plugin keeps: no client exists until the handle's first `run`. */
  handle(connection: RedisConnection): RedisHandle {
    return new RedisHandle(this, connection, connectionKey(connection));
  }

  /** Clients currently held (tests, status). */
  get size(): number {
    return this.#endpoints.size;
  }

  /** The endpoint for a connection (a handle's first use), created if needed; the most recently acquired are kept. */
  endpoint(key: string, connection: RedisConnection): RedisEndpoint {
    if (this.#closed) throw new Error('the Redis pool is closed (the gateway stopped)');
    let e = this.#endpoints.get(key);
    if (e !== undefined) {
      // Map order is the recency order: the first entry is the least recently acquired.
      this.#endpoints.delete(key);
      this.#endpoints.set(key, e);
      return e;
    }
    while (this.#endpoints.size >= this.#max) {
      const [oldKey, old] = this.#endpoints.entries().next().value!;
      this.#endpoints.delete(oldKey);
      void old.close();
    }
    e = new RedisEndpoint(connection, this.#logger);
    this.#endpoints.set(key, e);
    this.#startSweep();
    return e;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweep !== null) clearInterval(this.#sweep);
    this.#sweep = null;
    const all = [...this.#endpoints.values()];
    this.#endpoints.clear();
    this.#seen.clear();
    await Promise.all(all.map((e) => e.close()));
  }

  /** Closes endpoints whose use count did not move for a whole idle period (old configs' hosts, after reloads). */
  #startSweep(): void {
    if (this.#sweep !== null) return;
    this.#sweep = setInterval(() => {
      const seen = new Map<RedisEndpoint, number>();
      for (const [key, e] of this.#endpoints) {
        if (this.#seen.get(e) === e.uses) {
          this.#endpoints.delete(key);
          void e.close();
        } else {
          seen.set(e, e.uses);
        }
      }
      this.#seen = seen;
      if (this.#endpoints.size === 0 && this.#sweep !== null) {
        clearInterval(this.#sweep);
        this.#sweep = null;
      }
    }, this.#idleMs);
    this.#sweep.unref();
  }
}

/**
 * One plugin instance's way to its Redis. It finds (or re-creates, after an idle or LRU close) the pool's
 * endpoint for its connection on use, so a handle built by a compile that is then thrown away holds nothing.
 */
export class RedisHandle {
  #endpoint: RedisEndpoint | null = null;

  constructor(
    private readonly pool: RedisPool,
    readonly connection: RedisConnection,
    private readonly key: string,
  ) {}

  /** See RedisEndpoint.run: the command's result, or RedisUnavailableError at once while Redis is down. */
  run<A, T>(command: (client: Redis, arg: A) => Promise<T>, arg: A): Promise<T> {
    let e = this.#endpoint;
    if (e === null || e.closed) {
      try {
        e = this.#endpoint = this.pool.endpoint(this.key, this.connection);
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    return e.run(command, arg);
  }
}
