/**
 * Per-target health in the shape of Kong's `GET /upstreams/{u}/health` (Kong: db/dao/targets.lua,
 * runloop/balancer/healthcheckers.lua). The Admin API merges each entry with its target row.
 */
import { isIP } from 'node:net';
import type { BalancerPlan } from './plan.js';
import type { DnsCache } from './dns-cache.js';
import { isAvailable } from './health-state.js';
import type { HealthChecker } from './health-checker.js';
import type { AddressHealth, TargetHealthReport, UpstreamHealthReport } from './health-report.js';

/** `dns` is null for a balancer that is not serving (compiled, never activated): names are shown unresolved. */
export function buildHealthReport(id: string, checker: HealthChecker, dns: DnsCache | null): UpstreamHealthReport {
  const targets: TargetHealthReport[] = [];
  for (const t of checker.targets.values()) {
    const answer = dns?.cachedAnswer(t.host) ?? null;
    const up = isAvailable(t.health);
    const health: AddressHealth = !checker.enabled ? 'HEALTHCHECKS_OFF' : up ? 'HEALTHY' : 'UNHEALTHY';
    const failed = answer !== null && answer.addresses.length === 0 && answer.error !== null;
    const ips = answer !== null && answer.addresses.length > 0 ? answer.addresses : [t.host];
    const total = failed ? 0 : t.weight * ips.length;
    const available = health === 'UNHEALTHY' ? 0 : total;
    targets.push({
      target: t.target,
      health: failed ? 'DNS_ERROR' : health,
      data: {
        host: t.host,
        port: t.port,
        dns: answer?.type ?? (isIP(t.host) === 6 ? 'AAAA' : 'A'),
        nodeWeight: t.weight,
        weight: { total, available, unavailable: total - available },
        addresses: failed ? [] : ips.map((ip) => ({ ip, port: t.port, weight: t.weight, health })),
      },
    });
  }
  const { total, available } = checker.weights();
  const balancerHealth = checker.isTakingTraffic() ? 'HEALTHY' : 'UNHEALTHY';
  return {
    id,
    health: checker.enabled ? balancerHealth : 'HEALTHCHECKS_OFF',
    balancerHealth,
    weight: { total, available, unavailable: total - available },
    targets,
  };
}

/**
 * For the Admin API: the health of the upstream with this id in a snapshot's balancers
 * (`snapshot.proxy.balancers`), or null when the snapshot has no such upstream.
 */
export function upstreamHealthReport(
  balancers: ReadonlyMap<string, BalancerPlan>,
  upstreamId: string,
): UpstreamHealthReport | null {
  for (const b of balancers.values()) if (b.upstreamId === upstreamId) return b.health();
  return null;
}
