/**
 * `GET /upstreams/{u}/health` (Kong: db/dao/targets.lua, runloop/balancer/healthcheckers.lua): each target row
 * with the live health its balancer reports. Without a report (no balancer) every target with weight > 0 shows
 * HEALTHCHECKS_OFF, as Kong does when no checks are configured.
 */
import { isIP } from 'node:net';
import { parseTarget } from '../balancer/target-address.js';
import type { UpstreamHealthReport } from '../balancer/health-report.js';
import type { Row } from '../snapshot/admin-views.js';

const OFF = 'HEALTHCHECKS_OFF';

export function upstreamHealth(
  upstream: Row,
  targets: readonly Row[],
  nodeId: string,
  balancerHealth: string | null,
  report: UpstreamHealthReport | null = null,
): unknown {
  const active = targets.filter((t) => Number(t['weight']) > 0);
  if (report !== null) return liveHealth(active, nodeId, balancerHealth, report);
  if (balancerHealth !== null && balancerHealth !== '0' && balancerHealth !== 'false') {
    const total = active.reduce((n, t) => n + Number(t['weight']), 0);
    return {
      data: {
        id: upstream.id,
        health: OFF,
        balancer_health: 'HEALTHY',
        details: {
          healthy: true,
          weight: { total, available: total, unavailable: 0 },
          hosts: active.map((t) => hostDetails(t).data),
        },
      },
      next: null,
      node_id: nodeId,
    };
  }
  return { data: active.map(hostDetails), next: null, node_id: nodeId };
}

function hostDetails(t: Row): Record<string, unknown> & { data: unknown } {
  const { host, port } = parseTarget(String(t['target']));
  const weight = Number(t['weight']);
  const family = isIP(host);
  return {
    ...t,
    health: OFF,
    data: {
      host,
      port,
      // Names are resolved per connection, not by a balancer, so they are shown as their own address.
      dns: family === 6 ? 'AAAA' : 'A',
      nodeWeight: weight,
      weight: { total: weight, available: weight, unavailable: 0 },
      addresses: [{ ip: host, port, weight, health: OFF }],
    },
  };
}

function liveHealth(
  active: readonly Row[],
  nodeId: string,
  balancerHealth: string | null,
  report: UpstreamHealthReport,
): unknown {
  if (balancerHealth !== null && balancerHealth !== '0' && balancerHealth !== 'false') {
    return {
      data: {
        id: report.id,
        health: report.health,
        balancer_health: report.balancerHealth,
        details: { healthy: report.balancerHealth === 'HEALTHY', weight: report.weight, hosts: report.targets.map((t) => t.data) },
      },
      next: null,
      node_id: nodeId,
    };
  }
  const byTarget = new Map(report.targets.map((t) => [t.target, t]));
  const data = active.map((row) => {
    const live = byTarget.get(String(row['target']));
    return live ? { ...row, health: live.health, data: live.data } : { ...hostDetails(row), health: 'DNS_ERROR' };
  });
  return { data, next: null, node_id: nodeId };
}
