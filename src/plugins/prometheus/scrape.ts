/**
 * What GET /metrics answers (kong/plugins/prometheus/exporter.lua `metric_data`): the node's gauges, always;
 * while the serving configuration enables a prometheus plugin, every request series and the metric error count;
 * target health while one of those plugins sets `upstream_health_metrics`.
 */
import type { Entities } from '../../schema/index.js';
import { ExpositionWriter, labelPair, type Row } from './exposition.js';
import type { PrometheusMetrics } from './metrics.js';
import type { HistogramCell, RouteSeries } from './series.js';

/** The node's facts at scrape time, in Kong's terms. */
export interface NodeSample {
  readonly nodeId: string;
  readonly version: string;
  readonly pid: number;
  /** nginx stub_status counters (kong.nginx.get_statistics()); `total` is the requests served. */
  readonly connections: Readonly<Record<'accepted' | 'handled' | 'total' | 'active' | 'reading' | 'writing' | 'waiting', number>>;
  readonly timers: { readonly running: number; readonly pending: number };
  /** The JS heap in use (Kong's worker Lua VM) and the process's resident set. */
  readonly memory: { readonly heapUsed: number; readonly rss: number };
}

export type TargetState = 'healthchecks_off' | 'healthy' | 'unhealthy' | 'dns_error';

/** One address of one target (Kong: `address` is ip:port, '' when the target's name did not resolve). */
export interface TargetHealthSample {
  readonly upstream: string;
  readonly target: string;
  readonly address: string;
  readonly state: TargetState;
}

export interface ScrapeInput {
  /** The serving configuration; null before the first one is loaded. */
  readonly entities: Entities | null;
  readonly node: NodeSample;
  /** Read only when a prometheus plugin asks for upstream health. */
  targetHealth(): readonly TargetHealthSample[];
}

const TARGET_STATES: readonly TargetState[] = ['dns_error', 'healthchecks_off', 'healthy', 'unhealthy'];
const SUBSYSTEM = 'http';

export function scrape(metrics: PrometheusMetrics, input: ScrapeInput): string {
  const conf = input.entities ? metrics.configuredBy(input.entities) : null;
  if (conf !== null) metrics.retain(conf.live);
  const w = new ExpositionWriter();
  writeNode(w, input.node);
  if (conf?.enabled === true) writeRequests(w, metrics);
  if (conf?.upstreamHealth === true) writeTargetHealth(w, input.targetHealth());
  return w.text();
}

/** Kong's LOCAL_STORAGE gauges, which it exports with or without an enabled plugin. */
function writeNode(w: ExpositionWriter, node: NodeSample): void {
  const nodeLabel = labelPair('node_id', node.nodeId);
  // DB-less: the declarative configuration is the datastore, and it is always there (Kong reports 1).
  w.family('kong_datastore_reachable', 'gauge', 'Datastore reachable from Kong, 0 is unreachable').sample('kong_datastore_reachable', '', 1);
  const worker = `${nodeLabel},${labelPair('pid', String(node.pid))},kong_subsystem="${SUBSYSTEM}"`;
  w.family('kong_memory_workers_lua_vms_bytes', 'gauge', 'Allocated bytes in worker Lua VM').sample('kong_memory_workers_lua_vms_bytes', worker, node.memory.heapUsed);
  w.family('kong_memory_workers_rss_bytes', 'gauge', 'Resident set size in bytes of the worker process').sample('kong_memory_workers_rss_bytes', worker, node.memory.rss);
  const connections = Object.entries(node.connections).map(([state, n]): Row => [`${nodeLabel},subsystem="${SUBSYSTEM}",state="${state}"`, n]);
  w.family('kong_nginx_connections_total', 'gauge', 'Number of connections by subsystem').sorted('kong_nginx_connections_total', connections);
  w.family('kong_nginx_requests_total', 'gauge', 'Number of requests total').sample('kong_nginx_requests_total', `${nodeLabel},subsystem="${SUBSYSTEM}"`, node.connections.total);
  w.family('kong_nginx_timers', 'gauge', 'Number of nginx timers').sorted('kong_nginx_timers', [
    ['state="running"', node.timers.running],
    ['state="pending"', node.timers.pending],
  ]);
  w.family('kong_node_info', 'gauge', 'Kong Node metadata information').sample('kong_node_info', `${nodeLabel},${labelPair('version', node.version)}`, 1);
}

function writeRequests(w: ExpositionWriter, metrics: PrometheusMetrics): void {
  const series = [...metrics.all()].sort((a, b) => compare(a.serviceRoute, b.serviceRoute) || compare(a.workspaceLabel, b.workspaceLabel));
  const statuses: Row[] = [];
  const bandwidth: Row[] = [];
  for (const s of series) {
    for (const c of s.consumers()) {
      for (const [key, n] of c.statuses) {
        statuses.push([`${s.serviceRoute},code="${key >> 1}",source="${key & 1 ? 'service' : 'kong'}",${s.workspaceLabel},${c.label}`, n]);
      }
      if (c.egress > 0) bandwidth.push([`${s.serviceRoute},direction="egress",${s.workspaceLabel},${c.label}`, c.egress]);
      if (c.ingress > 0) bandwidth.push([`${s.serviceRoute},direction="ingress",${s.workspaceLabel},${c.label}`, c.ingress]);
    }
  }
  w.family('kong_http_requests_total', 'counter', 'HTTP status codes per consumer/service/route in Kong').sorted('kong_http_requests_total', statuses);
  w.family('kong_bandwidth_bytes', 'counter', 'Total bandwidth (ingress/egress) throughput in bytes').sorted('kong_bandwidth_bytes', bandwidth);
  histogram(w, 'kong_kong_latency_ms', 'Latency added by Kong and enabled plugins for each service/route in Kong', series, (s) => s.kongLatency);
  histogram(w, 'kong_upstream_latency_ms', 'Latency added by upstream response for each service/route in Kong', series, (s) => s.upstreamLatency);
  histogram(w, 'kong_request_latency_ms', 'Total latency incurred during requests for each service/route in Kong', series, (s) => s.requestLatency);
  w.family('kong_nginx_metric_errors_total', 'counter', 'Number of nginx-lua-prometheus errors').sample('kong_nginx_metric_errors_total', '', metrics.errors);
}

/** Kong sets all four states of every address, 1 for the one it is in. */
function writeTargetHealth(w: ExpositionWriter, targets: readonly TargetHealthSample[]): void {
  const rows: Row[] = [];
  for (const t of targets) {
    const target = `${labelPair('upstream', t.upstream)},${labelPair('target', t.target)},${labelPair('address', t.address)}`;
    for (const state of TARGET_STATES) rows.push([`${target},state="${state}",subsystem="${SUBSYSTEM}"`, state === t.state ? 1 : 0]);
  }
  w.family(
    'kong_upstream_target_health',
    'gauge',
    'Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, value is 1 when state is populated.',
  ).sorted('kong_upstream_target_health', rows);
}

/** One series per label set that saw a value: cumulative buckets in Kong's order, then the count and the sum. */
function histogram(w: ExpositionWriter, name: string, help: string, series: readonly RouteSeries[], cell: (s: RouteSeries) => HistogramCell): void {
  w.family(name, 'histogram', help);
  for (const s of series) {
    const h = cell(s);
    if (h.count === 0) continue;
    const labels = `${s.serviceRoute},${s.workspaceLabel}`;
    let cumulative = 0;
    for (let i = 0; i < h.bounds.length; i++) {
      cumulative += h.counts[i]!;
      w.sample(`${name}_bucket`, `${labels},le="${h.bounds[i]}"`, cumulative);
    }
    w.sample(`${name}_bucket`, `${labels},le="+Inf"`, h.count);
    w.sample(`${name}_count`, labels, h.count);
    w.sample(`${name}_sum`, labels, h.sum);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
