import { hostHeaderFor, parseTarget } from '../balancer/target-address.js';
import { UpstreamBalancer } from '../balancer/upstream-balancer.js';
import type { Entities, Service, Target, Upstream } from '../schema/index.js';
import { upstreamScheme } from '../schema/typedefs.js';
import { compileUpstreamTls, indexTlsEntities, type TlsEntities } from '../tls/upstream-tls.js';
import type { BalancerPlan } from '../balancer/plan.js';
import type { ServicePlan } from '../pdk/proxy-plan.js';
import type { ContentKeys } from '../config/content-key.js';
import { identity, Reuse } from './reuse.js';

// Kept importable from here: the proxy computes Host headers with the same rule.
export { hostHeaderFor, parseTarget };

function compileBalancer(upstream: Upstream, targets: readonly Target[]): BalancerPlan {
  return new UpstreamBalancer(upstream, targets);
}

/**
 * One balancer per Upstream entity, keyed by name (Kong: services whose host is that name share it). Built
 * inert: each joins the gateway's shared health checker when its snapshot is activated (src/snapshot/lifecycle.ts).
 */
export function compileBalancers(entities: Entities, reuse: Reuse = new Reuse(), keys: ContentKeys = {}): Map<string, BalancerPlan> {
  const targetsByUpstream = new Map<string, { targets: Target[]; keys: string[] }>();
  entities.targets.forEach((t, i) => {
    const id = t.upstream!.id;
    const entry = targetsByUpstream.get(id) ?? { targets: [], keys: [] };
    entry.targets.push(t);
    entry.keys.push(keys['targets']?.[i] ?? '?');
    targetsByUpstream.set(id, entry);
  });
  const balancers = new Map<string, BalancerPlan>();
  entities.upstreams.forEach((u, i) => {
    const entry = targetsByUpstream.get(u.id) ?? { targets: [], keys: [] };
    const build = () => compileBalancer(u, entry.targets);
    const key = keys['upstreams']?.[i];
    // An upstream is its entity and its targets: either changing makes a new balancer.
    const ok = key !== undefined && !entry.keys.includes('?');
    balancers.set(u.name, ok ? reuse.take('balancers', `${key}|${entry.keys.join(',')}`, build) : build());
  });
  return balancers;
}

export function compileServices(
  entities: Entities,
  balancers: ReadonlyMap<string, BalancerPlan>,
  reuse: Reuse = new Reuse(),
  keys: ContentKeys = {},
): Map<string, ServicePlan> {
  const plans = new Map<string, ServicePlan>();
  const tls = indexTlsEntities(entities.certificates, entities.ca_certificates);
  // A service's TLS settings may name any certificate: a change to one rebuilds every service plan.
  const certs = keys['certificates'] && keys['ca_certificates'] ? `${keys['certificates'].join(',')}|${keys['ca_certificates'].join(',')}` : null;
  entities.services.forEach((s, i) => {
    const build = () => compileService(s, balancers, tls);
    const key = keys['services']?.[i];
    const balancer = balancers.get(s.host) ?? null;
    plans.set(s.id, key === undefined || certs === null ? build() : reuse.take('services', `${key}|${identity(balancer)}|${certs}`, build));
  });
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
