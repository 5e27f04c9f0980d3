import type { RedisOptions } from 'ioredis';

/**
 * Where a Redis is and how to talk to it: Kong's shared connection record (kong/tools/redis/schema.lua) as a
 * plugin resolves it, defaults and deprecated shorthands folded in.
 */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  /** Milliseconds for connecting and for each command (Kong's `timeout`). */
  readonly timeout: number;
  readonly username: string | null;
  readonly password: string | null;
  readonly database: number;
  readonly ssl: boolean;
  readonly ssl_verify: boolean;
  readonly server_name: string | null;
}

/** Connections that are equal in every field share one client. */
export function connectionKey(c: RedisConnection): string {
  return JSON.stringify([c.host, c.port, c.timeout, c.username, c.password, c.database, c.ssl, c.ssl_verify, c.server_name]);
}

/** `host:port` for logs and error messages (never the credentials). */
export function connectionName(c: RedisConnection): string {
  return c.host.includes(':') ? `[${c.host}]:${c.port}` : `${c.host}:${c.port}`;
}

/** ioredis reconnects after this long at most, so a Redis that comes back is seen within it. */
export const RECONNECT_MAX_MS = 200;

/**
 * ioredis settings for failing fast, as Kong's cosockets do: no offline queue (a command while disconnected is
 * refused at once instead of waiting for a reconnect), commands in flight fail when the connection drops
 * (maxRetriesPerRequest 0), the config timeout bounds connecting and every command, and closing never waits on
 * a server that stopped answering. The client reconnects on its own in the background; that is the probe that
 * closes the circuit again (src/redis/endpoint.ts).
 */
export function clientOptions(c: RedisConnection): RedisOptions {
  const opts: RedisOptions = {
    host: c.host,
    port: c.port,
    db: c.database,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // How long a disconnect waits for the server to close its side before destroying the socket.
    disconnectTimeout: 500,
    retryStrategy: (times) => Math.min(times * 50, RECONNECT_MAX_MS),
  };
  if (c.timeout > 0) {
    // 0: no timeout (ioredis would otherwise fail every command at once).
    opts.connectTimeout = c.timeout;
    opts.commandTimeout = c.timeout;
  }
  if (c.username !== null && c.username !== '') opts.username = c.username;
  if (c.password !== null && c.password !== '') opts.password = c.password;
  if (c.ssl) opts.tls = { rejectUnauthorized: c.ssl_verify, ...(c.server_name !== null ? { servername: c.server_name } : {}) };
  return opts;
}
