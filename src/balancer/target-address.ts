import { isIP } from 'node:net';
import { parseTarget as parseValidTarget } from '../util/target.js';

// Kong EE: a WebSocket handshake is an http(s) request, so ws and wss keep http's and https's ports.
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, grpc: 80, grpcs: 443, ws: 80, wss: 443 };

/** Kong: the Host header carries the port unless it is the protocol's default (balancer set_host_header). */
export function hostHeaderFor(host: string, port: number, protocol: string): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return DEFAULT_PORTS[protocol] === port ? h : `${h}:${port}`;
}

/** A validated target's host and port (the loader has already refused malformed ones; port 8000 if absent). */
export function parseTarget(target: string): { host: string; port: number } {
  return parseValidTarget(target) ?? { host: target, port: 8000 };
}
