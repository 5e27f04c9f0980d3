/**
 * What a gateway lends the plugins it compiles: one object, created at gateway start, handed to every compile
 * (so it outlives reloads: counters, queues and clients carry over), closed at gateway stop. A snapshot
 * compiled without a gateway (validate, tests) gets standalone services of its own.
 *
 * A later multi-process runtime swaps implementations here (dictionaries held by the primary, say), not the
 * plugins: they only see the interfaces.
 */
import type { Logger } from '../log/logger.js';
import { RedisPool } from '../redis/pool.js';
import { MemoryDicts } from '../shared-dict/memory-dicts.js';
import type { SharedDicts } from '../shared-dict/shared-dict.js';
import { LogSinks, type LogSinksOptions } from './log-common/sinks.js';
import type { PrometheusMetrics } from './prometheus/metrics.js';
import { QueueRegistry } from './queue/registry.js';

export interface PluginServices {
  /** Redis clients by connection settings, connecting on first use; absent without a gateway. */
  readonly redis?: RedisPool;
  /** Kong's ngx.shared dictionaries: node-wide, kept across reloads. */
  readonly dictionaries: SharedDicts;
  /** Kong's plugin queues by name (src/plugins/queue): background sending for the log plugins. */
  readonly queues: QueueRegistry;
  /** The gateway's Prometheus metrics, read by /metrics; absent without a gateway. */
  readonly prometheus?: PrometheusMetrics;
  /** What the log plugins write to: files, connections, sockets (src/plugins/log-common/sinks.ts). */
  readonly logSinks: LogSinks;
}

/** A gateway's services, with the stop that gives everything back. */
export interface GatewayServices extends PluginServices {
  readonly redis: RedisPool;
  /** Sends what the queues hold (within `deadlineMs`), then closes Redis clients and dictionaries. */
  close(deadlineMs: number): Promise<void>;
}

export function createGatewayServices(
  logger: Logger,
  extra: { prometheus?: PrometheusMetrics; logSinks?: LogSinksOptions } = {},
): GatewayServices {
  const redis = new RedisPool({ logger });
  const dictionaries = new MemoryDicts();
  const queues = new QueueRegistry(logger.child({ component: 'queue' }));
  const logSinks = new LogSinks(logger.child({ component: 'log-sinks' }), extra.logSinks);
  let closing: Promise<void> | null = null;
  return {
    redis,
    dictionaries,
    queues,
    logSinks,
    ...(extra.prometheus ? { prometheus: extra.prometheus } : {}),
    close(deadlineMs) {
      closing ??= (async () => {
        await queues.close(deadlineMs);
        // After the queues: statsd's last batches go out through the sinks.
        await logSinks.close(deadlineMs);
        await redis.close();
        dictionaries.close();
      })();
      return closing;
    },
  };
}

/** For snapshots compiled without a gateway: nothing shared, nothing that connects. */
export function standaloneServices(logger: Logger): PluginServices {
  return { dictionaries: new MemoryDicts(), queues: new QueueRegistry(logger), logSinks: new LogSinks(logger) };
}
