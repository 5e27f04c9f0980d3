/**
 * `GET /metrics` on the Admin API and the status listener (kong/plugins/prometheus/api.lua, status_api.lua):
 * the prometheus exporter's text over the gateway's metrics, with the node's facts read at scrape time. Kong
 * serves it whenever its prometheus plugin is loaded (always, as a bundled plugin): without an enabled
 * instance the answer holds the node's gauges only.
 */
import { METRICS_CONTENT_TYPE } from '../plugins/prometheus/exposition.js';
import { PrometheusMetrics } from '../plugins/prometheus/metrics.js';
import { type NodeSample, scrape, type TargetHealthSample, type TargetState } from '../plugins/prometheus/scrape.js';
import { KONG_VERSION } from '../util/versions.js';
import type { AdminSnapshot, NodeFacts } from './context.js';
import type { AdminResponse } from './responses.js';
import { serverStats } from './status.js';

/** `snap` is null before the first configuration is loaded (the status listener is up by then). */
export function metricsResponse(snap: AdminSnapshot | null, node: NodeFacts): AdminResponse {
  const text = scrape(node.prometheus ?? new PrometheusMetrics(), {
    entities: snap?.entities ?? null,
    node: nodeSample(node),
    targetHealth: () => (snap === null ? [] : targetHealth(snap)),
  });
  return { status: 200, text, headers: { 'content-type': METRICS_CONTENT_TYPE } };
}

function nodeSample(node: NodeFacts): NodeSample {
  const s = serverStats(node.stats());
  const mem = node.memory();
  return {
    nodeId: node.nodeId,
    // Kong's version, as the Admin API's `/` reports it: dashboards and alerts compare against Kong releases.
    version: KONG_VERSION,
    pid: process.pid,
    connections: {
      accepted: s.connections_accepted,
      handled: s.connections_handled,
      total: s.total_requests,
      active: s.connections_active,
      reading: s.connections_reading,
      writing: s.connections_writing,
      waiting: s.connections_waiting,
    },
    timers: timers(),
    memory: { heapUsed: mem.heapUsed, rss: mem.rss },
  };
}

/**
 * Kong's kong_nginx_timers counts nginx timers pending and running. Node's counterpart: the timers waiting to
 * fire in this process (those keeping it alive); none is running while a scrape is being answered.
 */
function timers(): { running: number; pending: number } {
  let pending = 0;
  for (const kind of process.getActiveResourcesInfo()) if (kind === 'Timeout') pending++;
  return { running: 0, pending };
}

/**
 * Every address of every target of every upstream, as exporter.lua reads balancer.get_upstream_health: a target
 * without addresses (its name did not resolve) is dns_error with an empty address.
 */
function targetHealth(snap: AdminSnapshot): TargetHealthSample[] {
  const rows: TargetHealthSample[] = [];
  for (const u of snap.entities.upstreams) {
    const report = snap.upstreamHealth(u.id);
    if (report === null) continue;
    for (const t of report.targets) {
      if (t.data.addresses.length === 0) {
        rows.push({ upstream: u.name, target: t.target, address: '', state: 'dns_error' });
        continue;
      }
      for (const a of t.data.addresses) {
        const ip = a.ip.includes(':') && !a.ip.startsWith('[') ? `[${a.ip}]` : a.ip;
        rows.push({ upstream: u.name, target: t.target, address: `${ip}:${a.port}`, state: a.health.toLowerCase() as TargetState });
      }
    }
  }
  return rows;
}
