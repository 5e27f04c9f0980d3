import { Redis, type RedisOptions } from 'ioredis';
import { EXPIRATION, type Period, type WindowStarts } from './windows.js';

/** The connection part of the config (config.redis with Kong's deprecated shorthands folded in). */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly timeout: number;
  readonly username: string | null;
  readonly password: string | null;
  readonly database: number;
  readonly ssl: boolean;
  readonly ssl_verify: boolean;
  readonly server_name: string | null;
}

type ErrorLog = (message: string) => void;

const clients = new Map<string, Redis>();

/**
 * One client per distinct connection, shared by every plugin instance and kept across reloads (ioredis
 * pipelines concurrent commands over it). Connects on first use; the config timeout bounds connect and commands.
 */
export function redisClient(conn: RedisConnection, onError: ErrorLog): Redis {
  const key = JSON.stringify(conn);
  let client = clients.get(key);
  if (client === undefined) {
    const opts: RedisOptions = {
      host: conn.host,
      port: conn.port,
      db: conn.database,
      connectTimeout: conn.timeout,
      commandTimeout: conn.timeout,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    };
    if (conn.username !== null && conn.username !== '') opts.username = conn.username;
    if (conn.password !== null && conn.password !== '') opts.password = conn.password;
    if (conn.ssl) {
      opts.tls = { rejectUnauthorized: conn.ssl_verify, ...(conn.server_name !== null ? { servername: conn.server_name } : {}) };
    }
    client = new Redis(opts);
    let lastLogged = 0;
    client.on('error', (err: Error) => {
      // ioredis repeats connection errors on every retry; one line a second is enough.
      const now = Date.now();
      if (now - lastLogged < 1000) return;
      lastLogged = now;
      onError(`rate-limiting: redis ${conn.host}:${conn.port}: ${err.message}`);
    });
    clients.set(key, client);
  }
  return client;
}

/** Closes every client (gateway shutdown, tests). */
export async function closeRedisClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
}

/** Kong's counter key, so sluice and Kong nodes pointed at one Redis count together. */
export function counterKey(routeId: string, serviceId: string, identifier: string, period: Period, starts: WindowStarts): string {
  return `ratelimit:${routeId}:${serviceId}:${identifier}:${starts[period]}:${period}`;
}

/**
 * Counts this request in every period and returns the usage before it, in one round trip: per key a
 * `SET NX EX` that starts a window with its expiry, then `INCR`, inside MULTI so no key is left without one.
 * Like Kong's realtime Redis policy, refused requests count too.
 */
export async function redisUsage(client: Redis, keys: readonly string[], periods: readonly Period[]): Promise<number[]> {
  const tx = client.multi();
  for (let i = 0; i < keys.length; i++) {
    tx.set(keys[i]!, 0, 'EX', EXPIRATION[periods[i]!], 'NX');
    tx.incr(keys[i]!);
  }
  const results = await tx.exec();
  if (results === null) throw new Error('redis transaction aborted');
  const used: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const [err, value] = results[i * 2 + 1]!;
    if (err) throw err;
    used.push(Number(value) - 1);
  }
  return used;
}
