import { isIP } from 'node:net';
import { createRoundRobin, type WeightedPeer } from '../balancer/round-robin.js';
import type { Entities, Service, Target, Upstream } from '../schema/index.js';
import type { BalancerPlan, ServicePlan } from './proxy-plan.js';

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, grpc: 80, grpcs: 443 };

/** Kong: the Host header carries the port unless it is the protocol's default (balancer set_host_header). */
export function hostHeaderFor(host: string, port: number, protocol: string): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return DEFAULT_PORTS[protocol] === port ? h : `${h}:${port}`;
}

/** Kong's target string is host[:port]; a missing port means 8000. IPv6 targets are bracketed. */
export function parseTarget(target: string): { host: string; port: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (bracket) return { host: bracket[1]!, port: bracket[2] ? Number(bracket[2]) : 8000 };
  const colon = target.lastIndexOf(':');
  if (colon > 0 && target.indexOf(':') === colon) {
    return { host: target.slice(0, colon), port: Number(target.slice(colon + 1)) };
  }
  return { host: target, port: 8000 };
}

function compileBalancer(upstream: Upstream, targets: readonly Target[]): BalancerPlan {
  const peers: WeightedPeer[] = targets.map((t) => {
    const { host, port } = parseTarget(t.target);
    return Object.freeze({
      host,
      port,
      weight: t.weight,
      hostHeaderHttp: hostHeaderFor(host, port, 'http'),
      hostHeaderHttps: hostHeaderFor(host, port, 'https'),
    });
  });
  const rr = createRoundRobin(peers);
  return Object.freeze({
    upstreamId: upstream.id,
    name: upstream.name,
    hostHeader: upstream.host_header ?? null,
    pick: rr.pick,
  });
}

/** One balancer per Upstream entity, keyed by name (Kong: services whose host is that name share it). */
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
  for (const s of entities.services) plans.set(s.id, compileService(s, balancers));
  return plans;
}

function compileService(s: Service, balancers: ReadonlyMap<string, BalancerPlan>): ServicePlan {
  const protocol = s.protocol === 'https' || s.protocol === 'grpcs' ? 'https' : 'http';
  const balancer = balancers.get(s.host) ?? null;
  return Object.freeze({
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
    hostHeader: hostHeaderFor(s.host, s.port, s.protocol),
    // Kong: tls_verify null falls back to proxy_ssl_verify, which is off by default.
    tlsVerify: s.tls_verify === true,
    balancer,
  });
}
