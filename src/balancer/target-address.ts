import { isIP } from 'node:net';

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
