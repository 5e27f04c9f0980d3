/**
 * Kong's statsd metric lines (kong/plugins/statsd/log.lua and statsd_logger.lua): what one logged request
 * becomes, metric by metric, with Kong's names (`kong.service.<svc>.request.count:1|c`), scopes, identifiers,
 * tag styles and sample-rate suffix. Each metric's config is resolved once at load into a function of the entry.
 */
import type {
  ConsumerIdentifier,
  MetricName,
  ServiceIdentifier,
  StatType,
  TagStyle,
  WorkspaceIdentifier,
} from './schema.js';

/** What the log phase keeps of kong.log.serialize() for statsd: the entities by reference, a few numbers. */
export interface StatsdEntry {
  readonly status: number;
  readonly requestSize: number | undefined;
  readonly responseSize: number | undefined;
  readonly latency: number | undefined;
  readonly upstreamLatency: number | undefined;
  readonly kongLatency: number | undefined;
  readonly service: EntityFields | undefined;
  readonly route: EntityFields | undefined;
  readonly consumer: EntityFields | undefined;
  readonly workspaceId: string;
  readonly workspaceName: string;
}

type EntityFields = Readonly<Record<string, unknown>>;

export interface MetricConfig {
  readonly name: MetricName;
  readonly stat_type: StatType;
  readonly sample_rate?: number | null;
  readonly consumer_identifier?: ConsumerIdentifier | null;
  readonly service_identifier?: ServiceIdentifier | null;
  readonly workspace_identifier?: WorkspaceIdentifier | null;
}

export interface LinesConfig {
  /** Kong's conf._prefix: `prefix`, plus `.node.<hostname>` with hostname_in_prefix and no tag_style. */
  readonly prefix: string;
  readonly tagStyle: TagStyle | null;
  /** Kong's node hostname with dots as underscores. */
  readonly hostname: string;
  readonly metrics: readonly MetricConfig[];
  readonly consumerDefault: ConsumerIdentifier;
  readonly serviceDefault: ServiceIdentifier;
  readonly workspaceDefault: WorkspaceIdentifier;
}

// statsd_logger.lua stat_types.
const KIND: Readonly<Record<StatType, string>> = { gauge: 'g', counter: 'c', timer: 'ms', histogram: 'h', meter: 'm', set: 's' };

// Lua's `if x then`: null (ngx.null in Kong) and absent both mean "none" here.
const present = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

const CONSUMER: Readonly<Record<ConsumerIdentifier, (c: EntityFields | undefined) => string | undefined>> = {
  consumer_id: (c) => present(c?.id),
  custom_id: (c) => present(c?.custom_id),
  username: (c) => present(c?.username),
};

const SERVICE: Readonly<Record<ServiceIdentifier, (s: EntityFields | undefined) => string | undefined>> = {
  service_id: (s) => present(s?.id),
  service_name: (s) => present(s?.name),
  service_host: (s) => present(s?.host),
  service_name_or_host: (s) => (s === undefined ? undefined : present(s.name) ?? present(s.host)),
};

const WORKSPACE: Readonly<Record<WorkspaceIdentifier, (e: StatsdEntry) => string>> = {
  workspace_id: (e) => e.workspaceId,
  workspace_name: (e) => e.workspaceName,
};

// The metrics whose value is a field of the entry (log.lua stat_name / stat_value).
const PLAIN: Partial<Record<MetricName, readonly [string, (e: StatsdEntry) => number | undefined]>> = {
  request_count: ['request.count', () => 1],
  request_size: ['request.size', (e) => e.requestSize],
  response_size: ['response.size', (e) => e.responseSize],
  latency: ['latency', (e) => e.latency],
  upstream_latency: ['upstream_latency', (e) => e.upstreamLatency],
  kong_latency: ['kong_latency', (e) => e.kongLatency],
};

/** Adds one line for a stat (the metric's prefix, sample rate and tag style are the writer's). */
type Push = (stat: string, value: string | number, kind: string, tags: readonly (readonly [string, string])[] | null) => void;

/** Compiles the metrics list once; the function adds every line of a request to `out`, in the config's order. */
export function compileLines(conf: LinesConfig): (entry: StatsdEntry, out: string[]) => void {
  const metrics = conf.metrics.map((m) => compileMetric(conf, m));
  return (entry, out) => {
    for (const m of metrics) m(entry, out);
  };
}

function compileMetric(conf: LinesConfig, m: MetricConfig): (e: StatsdEntry, out: string[]) => void {
  // unique_users is sent without its sample rate (log.lua passes none for the set).
  const sampled = m.name !== 'unique_users' && m.sample_rate !== undefined && m.sample_rate !== null && m.sample_rate !== 1;
  const rate = sampled ? `|@${m.sample_rate}` : '';
  const line = lineWriter(conf.prefix, conf.tagStyle, rate);
  const consumerId = CONSUMER[m.consumer_identifier ?? conf.consumerDefault];
  const serviceId = SERVICE[m.service_identifier ?? conf.serviceDefault];
  const workspaceId = WORKSPACE[m.workspace_identifier ?? conf.workspaceDefault];
  const metric = conf.tagStyle !== null ? taggedMetric(conf, m, consumerId, serviceId, workspaceId) : scopedMetric(m, consumerId, workspaceId);
  // log.lua get_scope_name: the service by the metric's identifier, dots as underscores, or global.unmatched.
  const scope = (e: StatsdEntry): string => {
    if (e.service === undefined) return 'global.unmatched';
    const name = serviceId(e.service);
    return name === undefined ? 'service.unnamed' : `service.${name.replaceAll('.', '_')}`;
  };
  return (e, out) => metric(e, scope, (stat, value, kind, tags) => out.push(line(stat, value, kind, tags)));
}

/** statsd_logger.lua create_statsd_message, for each tag style (tags in get_tags' order). */
function lineWriter(prefix: string, style: TagStyle | null, rate: string) {
  return (stat: string, value: string | number, kind: string, tags: readonly (readonly [string, string])[] | null): string => {
    if (style === null || tags === null) return `${prefix}.${stat}:${value}|${kind}${rate}`;
    switch (style) {
      case 'dogstatsd':
        return `${prefix}.${stat}:${value}|${kind}${rate}|#${tags.map(([k, v]) => `${k}:${v}`).join(',')}`;
      case 'influxdb':
        return `${prefix}.${stat},${tags.map(([k, v]) => `${k}=${v}`).join(',')}:${value}|${kind}${rate}`;
      case 'librato':
        return `${prefix}.${stat}#${tags.map(([k, v]) => `${k}=${v}`).join(',')}:${value}|${kind}${rate}`;
      case 'signalfx':
        return `${prefix}.${stat}[${tags.map(([k, v]) => `${k}=${v}`).join(',')}]:${value}|${kind}${rate}`;
    }
  };
}

type Scoped = (e: StatsdEntry, scope: (e: StatsdEntry) => string, push: Push) => void;

/** Without tag_style: names carry the scope (`service.<svc>`), the consumer and the status. */
function scopedMetric(
  m: MetricConfig,
  consumerId: (c: EntityFields | undefined) => string | undefined,
  workspaceId: (e: StatsdEntry) => string,
): Scoped {
  const kind = KIND[m.stat_type];
  switch (m.name) {
    case 'unique_users':
      return (e, scope, push) => {
        const id = consumerId(e.consumer);
        if (id !== undefined) push(`${scope(e)}.user.uniques`, id, KIND.set, null);
      };
    case 'request_per_user':
      return (e, scope, push) => {
        const id = consumerId(e.consumer);
        if (id !== undefined) push(`${scope(e)}.user.${id}.request.count`, 1, KIND.counter, null);
      };
    case 'status_count':
      return (e, scope, push) => push(`${scope(e)}.status.${e.status}`, 1, KIND.counter, null);
    case 'status_count_per_user':
      return (e, scope, push) => {
        const id = consumerId(e.consumer);
        if (id !== undefined) push(`${scope(e)}.user.${id}.status.${e.status}`, 1, KIND.counter, null);
      };
    case 'status_count_per_workspace':
      return (e, scope, push) => push(`${scope(e)}.workspace.${workspaceId(e)}.status.${e.status}`, 1, KIND.counter, null);
    case 'status_count_per_user_per_route':
      // Not under the service scope: `route.<route id>.user.<consumer>.status.<code>`.
      return (e, _scope, push) => {
        const id = consumerId(e.consumer);
        const route = present(e.route?.id);
        if (id !== undefined && route !== undefined) push(`route.${route}.user.${id}.status.${e.status}`, 1, KIND.counter, null);
      };
    case 'shdict_usage':
      return noLines;
    default: {
      const [stat, value] = PLAIN[m.name]!;
      return (e, scope, push) => {
        const v = value(e);
        // Kong skips a value that is absent or -1 (upstream_latency of a request never proxied).
        if (v !== undefined && v !== -1) push(`${scope(e)}.${stat}`, v, kind, null);
      };
    }
  }
}

/**
 * With tag_style: only the plain metrics, named without scope and tagged service, route, workspace, consumer,
 * node, status (log.lua get_tags); the per-user, per-status and unique metrics are skipped, as in Kong. A
 * request without a service has no tags at all, so its lines come out untagged — Kong's get_tags returns nil.
 */
function taggedMetric(
  conf: LinesConfig,
  m: MetricConfig,
  consumerId: (c: EntityFields | undefined) => string | undefined,
  serviceId: (s: EntityFields | undefined) => string | undefined,
  workspaceId: (e: StatsdEntry) => string,
): Scoped {
  const plain = PLAIN[m.name];
  if (plain === undefined) return noLines;
  const [stat, value] = plain;
  const kind = KIND[m.stat_type];
  return (e, _scope, push) => {
    const v = value(e);
    if (v === undefined || v === -1) return;
    const service = serviceId(e.service);
    if (service === undefined) return push(stat, v, kind, null);
    const tags: [string, string][] = [['service', service]];
    const route = present(e.route?.name) ?? present(e.route?.id);
    if (route !== undefined) tags.push(['route', route]);
    tags.push(['workspace', workspaceId(e)]);
    const consumer = consumerId(e.consumer);
    if (consumer !== undefined) tags.push(['consumer', consumer]);
    tags.push(['node', conf.hostname], ['status', String(e.status)]);
    push(stat, v, kind, tags);
  };
}

// Kong's shdict_usage reports its shared dictionaries' free bytes and capacity every minute; sluice's
// dictionaries count keys, not bytes, so there is no honest value to send and the metric sends nothing.
const noLines: Scoped = () => undefined;
