import type { Redis } from 'ioredis';
import type { Pdk } from '../../pdk/kong.js';
import { type RedisConnection, type RedisPool, RedisUnavailableError } from '../../redis/pool.js';
import { isPending } from '../../shared-dict/shared-dict.js';
import { definePlugin } from '../define.js';
import { CounterKeys } from './counter-key.js';
import { identifierFor, type LimitBy } from './identifier.js';
import { LocalPolicy } from './local-policy.js';
import { redisUsage } from './redis-counters.js';
import { schema } from './schema.js';
import { decide, type Limit, type Verdict } from './usage.js';
import { PERIODS, type Period, windowStarts } from './windows.js';

type RedisConfig = { [K in keyof RedisConnection]: RedisConnection[K] | null | undefined };

interface Config extends Partial<Record<Period, number | null>> {
  limit_by: LimitBy;
  header_name?: string | null;
  path?: string | null;
  policy: 'local' | 'redis';
  fault_tolerant: boolean;
  redis: RedisConfig;
  hide_client_headers: boolean;
  error_code: number;
  error_message: string;
  sync_rate: number;
  redis_host?: string | null;
  redis_port?: number | null;
  redis_password?: string | null;
  redis_username?: string | null;
  redis_ssl?: boolean | null;
  redis_ssl_verify?: boolean | null;
  redis_server_name?: string | null;
  redis_timeout?: number | null;
  redis_database?: number | null;
}

// Kong keys counters by the plugin's own route and service, this for "none".
const EMPTY_UUID = '00000000-0000-0000-0000-000000000000';

export default definePlugin<Config>({
  schema,
  create(config, { entity, redis, dictionaries, logger }) {
    const limits: Limit[] = [];
    for (const period of PERIODS) {
      const limit = config[period];
      if (typeof limit === 'number') limits.push({ period, limit });
    }
    const periods = limits.map((l) => l.period);
    const routeId = entity.route?.id ?? EMPTY_UUID;
    const serviceId = entity.service?.id ?? EMPTY_UUID;
    const identify = identifierFor(config.limit_by, config.header_name ?? null, config.path ?? null);
    const hide = config.hide_client_headers;

    function finish(kong: Pdk, verdict: Verdict): boolean {
      if (verdict.headers.length > 0) kong.ctx.plugin.headers = verdict.headers;
      if (!verdict.exceeded) return false;
      kong.response.error(config.error_code, config.error_message);
      return true;
    }

    function failed(kong: Pdk, err: unknown): void {
      // fault_tolerant: let the request through without counting it (Kong); otherwise the client sees a 500.
      // Either way at once: while Redis is down the pool refuses without waiting (src/redis/endpoint.ts).
      if (!config.fault_tolerant) throw err;
      kong.log.err('failed to get usage: ', (err as Error).message ?? String(err));
    }

    function localAccess(local: LocalPolicy) {
      const counterKeys = CounterKeys.local(routeId, serviceId, periods);
      return (kong: Pdk): void | Promise<void> => {
        const nowMs = Math.floor(Date.now() / 1000) * 1000;
        const starts = windowStarts(nowMs);
        const keys = counterKeys.keys(identify(kong), starts);
        const used = local.count(keys);
        if (isPending(used)) {
          // A dictionary in another process: the same steps once it answers.
          return used.then(
            (u) => {
              if (finish(kong, decide(limits, u, nowMs, starts, hide))) local.giveBack(keys);
            },
            (err: unknown) => failed(kong, err),
          );
        }
        if (finish(kong, decide(limits, used, nowMs, starts, hide))) local.giveBack(keys);
      };
    }

    function redisAccess(count: (keys: string[]) => Promise<number[]>) {
      const counterKeys = CounterKeys.kong(routeId, serviceId, periods);
      return async (kong: Pdk): Promise<void> => {
        const nowMs = Math.floor(Date.now() / 1000) * 1000;
        const starts = windowStarts(nowMs);
        const keys = counterKeys.keys(identify(kong), starts);
        let used: number[];
        try {
          used = await count(keys);
        } catch (err) {
          failed(kong, err);
          return;
        }
        finish(kong, decide(limits, used, nowMs, starts, hide));
      };
    }

    // Local counters are the gateway's shared dictionary (every snapshot's instances count in the same keys).
    const access =
      config.policy === 'redis'
        ? redisAccess(redisCounter(redis, redisConnection(config), periods))
        : localAccess(new LocalPolicy(dictionaries.get('kong_rate_limiting_counters'), periods, logger));

    return {
      access,
      header_filter(kong) {
        const headers = kong.ctx.plugin.headers as Verdict['headers'] | undefined;
        if (headers === undefined) return;
        for (const [name, value] of headers) kong.response.set_header(name, value);
      },
    };
  },
});

/** Counts keys in the gateway's Redis; without a pool (a snapshot compiled outside a gateway) Redis is unavailable. */
function redisCounter(pool: RedisPool | undefined, conn: RedisConnection, periods: readonly Period[]): (keys: string[]) => Promise<number[]> {
  if (pool === undefined) {
    return () => Promise.reject(new RedisUnavailableError('no Redis pool: this configuration was compiled outside a gateway'));
  }
  const handle = pool.handle(conn);
  const count = (client: Redis, keys: string[]) => redisUsage(client, keys, periods);
  return (keys) => handle.run(count, keys);
}

/** config.redis, with Kong's deprecated top-level redis_* shorthands filling what it leaves unset. */
function redisConnection(c: Config): RedisConnection {
  const r = c.redis;
  return {
    host: r.host ?? c.redis_host ?? '127.0.0.1',
    port: c.redis_port ?? r.port ?? 6379,
    timeout: c.redis_timeout ?? r.timeout ?? 2000,
    username: r.username ?? c.redis_username ?? null,
    password: r.password ?? c.redis_password ?? null,
    database: c.redis_database ?? r.database ?? 0,
    ssl: c.redis_ssl ?? r.ssl ?? false,
    ssl_verify: c.redis_ssl_verify ?? r.ssl_verify ?? false,
    server_name: r.server_name ?? c.redis_server_name ?? null,
  };
}
