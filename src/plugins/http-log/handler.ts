import { definePlugin } from '../define.js';
import { logEachRequest } from '../log-common/log-entry.js';
import { queueParams, type QueueConfig } from '../queue/schema.js';
import { endpointOf, sendBatch } from './send.js';
import { schema } from './schema.js';

interface Config {
  http_endpoint: string;
  method: string;
  content_type: string;
  timeout: number;
  keepalive: number;
  retry_count?: number | null;
  queue_size?: number | null;
  flush_timeout?: number | null;
  headers?: Record<string, string> | null;
  queue: QueueConfig;
  custom_fields_by_lua?: Record<string, string> | null;
}

/**
 * Kong's http-log: in the log phase the serialized request is queued (never waited on); the gateway's queue
 * sends it, batched, with retries. Instances with the same endpoint settings share a queue (Kong names the
 * queue from them), and a reload that keeps them keeps what is waiting.
 */
export default definePlugin<Config>({
  schema,
  create(config, ctx) {
    // Kong's make_queue_name: the legacy fields are part of the name on purpose (handler.lua).
    const name = [config.http_endpoint, config.method, config.content_type, config.timeout, config.keepalive, config.retry_count, config.queue_size, config.flush_timeout]
      .map((v) => (v === undefined || v === null ? 'nil' : String(v)))
      .join(':');
    const { params, warnings } = queueParams('http-log', ctx.entity.id, ctx.entity.instance_name ?? undefined, config.queue, config, name);
    if (config.retry_count != null && config.retry_count !== 10) {
      warnings.push('the retry_count parameter no longer works, please update your configuration to use initial_retry_delay and max_retry_time instead');
    }
    for (const w of warnings) ctx.logger.warn(w);
    const endpoint = endpointOf({ ...config, single: params.maxBatchSize === 1 });
    const queues = ctx.queues;
    return logEachRequest('http-log', config.custom_fields_by_lua, (json, kong) => {
      const err = queues.enqueue(params, sendBatch, endpoint, Buffer.from(json));
      if (err !== null) kong.log.err('Failed to enqueue log entry to log server: ', err);
    });
  },
});
