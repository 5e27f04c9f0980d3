import { hostHeaderFor, parseTarget } from '../balancer/target-address.js';
import { UpstreamBalancer } from '../balancer/upstream-balancer.js';
import type { Entities, Service, Target, Upstream } from '../schema/index.js';
import { upstreamScheme } from '../schema/typedefs.js';
import { compileUpstreamTls, indexTlsEntities, type TlsEntities } from '../tls/upstream-tls.js';
import type { BalancerPlan } from '../balancer/plan.js';
import type { ServicePlan } from '../pdk/proxy-plan.js';

// Kept importable from here: the proxy computes Host headers with the same rule.
export { hostHeaderFor, parseTarget };

function compileBalancer(upstream: Upstream, targets: readonly Target[]): BalancerPlan {
  return new UpstreamBalancer(upstream, targets);
}

/**
 * One balancer per Upstream entity, keyed by name (Kong: services whose host is that name share it). Built
 * inert: each joins the gateway's shared health checker when its snapshot is activated (src/snapshot/lifecycle.ts).
 */
export function compileBalancers(entities: Entities): Map<string, BalancerPlan> {
  const targetsByUpstream = new Map<string, Target[]>();
  for (const t of entities.targets) {
    const id = t.upstream!.id;
    const list = targetsByUpstream.get(id);
    if (list) list.push(t);
    else targetsByUpstream.set(id, [t]);
  }
  const balancers = new Map<string, BalancerPlan>();
  for (const u of entities.upstreams) balancers.set(u.name, compileBalancer(u, targetsByUpstream.get(u.id) ?? []));
  return balancers;
}

export function compileServices(
  entities: Entities,
  balancers: ReadonlyMap<string, BalancerPlan>,
): Map<string, ServicePlan> {
  const plans = new Map<string, ServicePlan>();
  const tls = indexTlsEntities(entities.certificates, entities.ca_certificates);
  for (const s of entities.services) plans.set(s.id, compileService(s, balancers, tls));
  return plans;
}

function compileService(s: Service, balancers: ReadonlyMap<string, BalancerPlan>, tls: TlsEntities): ServicePlan {
  const protocol = upstreamScheme(s.protocol);
  const balancer = balancers.get(s.host) ?? null;
  return Object.freeze({
    entity: s,
    id: s.id,
    name: s.name ?? null,
    enabled: s.enabled !== false,
    protocol,
    host: s.host,
    port: s.port,
    path: s.path ?? null,
    retries: s.retries,
    connectTimeout: s.connect_timeout,
    writeTimeout: s.write_timeout,
    readTimeout: s.read_timeout,
    // By the upstream scheme: a ws service on 80 or a wss one on 443 sends a Host without the port (Kong EE).
    hostHeader: hostHeaderFor(s.host, s.port, protocol),
    tls: compileUpstreamTls(s, tls),
    balancer,
  });
}
