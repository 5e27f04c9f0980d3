/**
 * `GET /upstreams/{u}/health` (Kong: db/dao/targets.lua, runloop/balancer/healthcheckers.lua). sluice runs no
 * health checkers, so every target in the balancer (weight > 0) reports HEALTHCHECKS_OFF, as Kong does when
 * neither active nor passive checks are configured.
 */
import { isIP } from 'node:net';
import type { Row } from './views.js';

const OFF = 'HEALTHCHECKS_OFF';

interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `host:port`, `[v6]:port`, or a bare host (Kong's default target port is 8000). */
export function splitTarget(target: string): HostPort {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : 8000 };
  const i = target.lastIndexOf(':');
  if (i > 0 && target.indexOf(':') === i) return { host: target.slice(0, i), port: Number(target.slice(i + 1)) };
  return { host: target, port: 8000 };
}

export function upstreamHealth(upstream: Row, targets: readonly Row[], nodeId: string, balancerHealth: string | null): unknown {
  const active = targets.filter((t) => Number(t['weight']) > 0);
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
  const { host, port } = splitTarget(String(t['target']));
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
