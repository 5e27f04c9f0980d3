import { hostname } from 'node:os';
import type { Pdk } from '../../pdk/kong.js';
import { definePlugin } from '../define.js';
import type { LogSinks } from '../log-common/sinks.js';
import type { BatchHandler } from '../queue/queue.js';
import { queueParams, type QueueConfig } from '../queue/schema.js';
import { compileLines, type LinesConfig, type MetricConfig, type StatsdEntry } from './lines.js';
import { packets } from './packets.js';
import type { ConsumerIdentifier, ServiceIdentifier, TagStyle, WorkspaceIdentifier } from './schema.js';
import { schema } from './schema.js';
import { statusFilter } from './status-ranges.js';

interface Config {
  host: string;
  port: number;
  prefix: string;
  metrics: MetricConfig[];
  allow_status_codes?: string[] | null;
  udp_packet_size: number;
  use_tcp: boolean;
  hostname_in_prefix: boolean;
  consumer_identifier_default: ConsumerIdentifier;
  service_identifier_default: ServiceIdentifier;
  workspace_identifier_default: WorkspaceIdentifier;
  retry_count?: number | null;
  queue_size?: number | null;
  flush_timeout?: number | null;
  tag_style?: TagStyle | null;
  queue: QueueConfig;
}

/** What the queue's handler gets with each batch: the compiled lines and where to send them. */
interface Destination {
  readonly sinks: LogSinks;
  readonly host: string;
  readonly port: number;
  readonly useTcp: boolean;
  readonly packetSize: number;
  readonly lines: (entry: StatsdEntry, out: string[]) => void;
  readonly warn: (msg: string) => void;
}

// statsd_logger.lua: a TCP connection gets 1 s to connect and send, and goes back to the pool (60 s idle).
const TCP_TIMEOUT_MS = 1000;
const TCP_KEEPALIVE_MS = 60_000;

/**
 * kong/plugins/statsd (3.x): the log phase keeps what the metrics need of kong.log.serialize() and queues it
 * (Kong's queue, named by the plugin id); the queue's handler turns each batch into Kong's metric lines and sends
 * them over UDP (combined into packets up to udp_packet_size) or one TCP connection, `\n`-terminated.
 */
export default definePlugin<Config>({
  schema,
  create(config, ctx) {
    const { params, warnings } = queueParams('statsd', ctx.entity.id, ctx.entity.instance_name ?? undefined, config.queue, config, ctx.entity.id);
    if (config.retry_count != null && config.retry_count !== 10) {
      warnings.push('the retry_count parameter no longer works, please update your configuration to use initial_retry_delay and max_retry_time instead');
    }
    for (const w of warnings) ctx.logger.warn(w);
    // Kong: kong.node.get_hostname() with dots as underscores.
    const node = hostname().replaceAll('.', '_');
    const tagStyle = config.tag_style ?? null;
    const linesConfig: LinesConfig = {
      prefix: config.hostname_in_prefix && tagStyle === null ? `${config.prefix}.node.${node}` : config.prefix,
      tagStyle,
      hostname: node,
      metrics: config.metrics,
      consumerDefault: config.consumer_identifier_default,
      serviceDefault: config.service_identifier_default,
      workspaceDefault: config.workspace_identifier_default,
    };
    const dest: Destination = Object.freeze({
      sinks: ctx.logSinks,
      host: config.host,
      port: config.port,
      useTcp: config.use_tcp,
      packetSize: config.udp_packet_size,
      lines: compileLines(linesConfig),
      warn: (msg: string) => ctx.logger.warn(msg),
    });
    const allowed = statusFilter(config.allow_status_codes);
    const queues = ctx.queues;
    return {
      log(kong) {
        const status = kong.response.get_status();
        if (!allowed(status)) return;
        const err = queues.enqueue(params, sendBatch, dest, entryOf(kong, status));
        if (err !== null) kong.log.err('Failed to enqueue log entry to StatsD server: ', err);
      },
    };
  },
});

function entryOf(kong: Pdk, status: number): StatsdEntry {
  const m = kong.log.serialize() as {
    request?: { size?: number };
    response?: { size?: number };
    latencies?: { request?: number; proxy?: number; kong?: number };
    service?: Record<string, unknown>;
    route?: Record<string, unknown>;
    consumer?: Record<string, unknown>;
    workspace?: string;
    workspace_name?: string;
  };
  return {
    status,
    requestSize: m.request?.size,
    responseSize: m.response?.size,
    latency: m.latencies?.request,
    upstreamLatency: m.latencies?.proxy,
    kongLatency: m.latencies?.kong,
    service: m.service,
    route: m.route,
    consumer: m.consumer,
    workspaceId: m.workspace ?? '',
    workspaceName: m.workspace_name ?? '',
  };
}

/** log.lua send_entries_to_upstream_server: every entry's lines, sent together. */
const sendBatch: BatchHandler<StatsdEntry, Destination> = (d, batch) => {
  const lines: string[] = [];
  for (const entry of batch) d.lines(entry, lines);
  if (lines.length === 0) return Promise.resolve(true);
  if (!d.useTcp) {
    const udp = d.sinks.udp('statsd', d.host, d.port);
    for (const p of packets(lines, d.packetSize, d.warn)) udp.send(p);
    return Promise.resolve(true);
  }
  // A connection that cannot be made fails the batch, which the queue retries (Kong: statsd_logger:new fails).
  return new Promise((resolve) => {
    d.sinks
      .tcp({ owner: 'statsd', host: d.host, port: d.port, timeoutMs: TCP_TIMEOUT_MS, keepaliveMs: TCP_KEEPALIVE_MS, tls: false })
      .send(`${lines.join('\n')}\n`, resolve);
  });
};
