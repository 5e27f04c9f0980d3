import { Type } from '@sinclair/typebox';
import type { QueueParams } from './queue.js';

/** Kong's `queue` record (kong/tools/queue_schema.lua), shared by every plugin that sends in the background. */
export const queueConfig = () =>
  Type.Object(
    {
      max_batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
      max_coalescing_delay: Type.Optional(Type.Number({ minimum: 0, maximum: 3600, default: 1 })),
      max_entries: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10000 })),
      max_bytes: Type.Optional(Type.Integer()),
      max_retry_time: Type.Optional(Type.Number({ default: 60 })),
      initial_retry_delay: Type.Optional(Type.Number({ minimum: 0.001, maximum: 1_000_000, default: 0.01 })),
      max_retry_delay: Type.Optional(Type.Number({ minimum: 0.001, maximum: 1_000_000, default: 60 })),
      concurrency_limit: Type.Optional(Type.Integer({ enum: [-1, 1], default: 1 })),
    },
    { additionalProperties: false, default: {} },
  );

export interface QueueConfig {
  readonly max_batch_size: number;
  readonly max_coalescing_delay: number;
  readonly max_entries: number;
  readonly max_bytes?: number | null;
  readonly max_retry_time: number;
  readonly initial_retry_delay: number;
  readonly max_retry_delay: number;
  readonly concurrency_limit: 1 | -1;
}

/** Legacy fields Kong still maps onto the queue (Queue.get_plugin_params), when set to a non-default value. */
export interface LegacyQueueFields {
  readonly queue_size?: number | null;
  readonly flush_timeout?: number | null;
  readonly batch_span_count?: number | null;
  readonly batch_flush_delay?: number | null;
}

/**
 * Kong's Queue.get_plugin_params: the queue record, with the legacy batch fields moved onto it (each when set
 * to something other than its old default) and a log tag naming the plugin instance. Returns the params and
 * Kong's deprecation warnings, which the plugin logs once at load.
 */
export function queueParams(
  plugin: string,
  instanceId: string,
  instanceName: string | undefined,
  queue: QueueConfig,
  legacy: LegacyQueueFields,
  name: string,
): { params: QueueParams; warnings: string[] } {
  const warnings: string[] = [];
  let maxBatchSize = queue.max_batch_size;
  let maxCoalescingDelay = queue.max_coalescing_delay;
  const moved = (field: keyof LegacyQueueFields, oldDefault: number, to: string): number | undefined => {
    const v = legacy[field];
    if (v === null || v === undefined || v === oldDefault) return undefined;
    warnings.push(`the ${field} parameter is deprecated, please update your configuration to use queue.${to} instead`);
    return v;
  };
  maxBatchSize = moved('queue_size', 1, 'max_batch_size') ?? moved('batch_span_count', 200, 'max_batch_size') ?? maxBatchSize;
  maxCoalescingDelay = moved('flush_timeout', 2, 'max_coalescing_delay') ?? moved('batch_flush_delay', 3, 'max_coalescing_delay') ?? maxCoalescingDelay;
  return {
    warnings,
    params: Object.freeze({
      name,
      logTag: `${plugin} plugin ${instanceId}${instanceName !== undefined ? ` (${instanceName})` : ''}`,
      maxBatchSize,
      maxCoalescingDelay,
      maxEntries: queue.max_entries,
      maxBytes: queue.max_bytes ?? null,
      maxRetryTime: queue.max_retry_time,
      initialRetryDelay: queue.initial_retry_delay,
      maxRetryDelay: queue.max_retry_delay,
      concurrencyLimit: queue.concurrency_limit,
    }),
  };
}
