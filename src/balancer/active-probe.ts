/**
 * One active health probe (Kong: lua-resty-healthcheck run_single_check): `tcp` succeeds on connect; `http` /
 * `https` send `GET <http_path>` and classify the status. Connections are never pooled, so a stopped checker
 * leaves no socket behind.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, isIP, type Socket } from 'node:net';
import type { HealthReport } from './health-state.js';

export interface ProbeSpec {
  readonly type: 'tcp' | 'http' | 'https';
  readonly timeoutMs: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly sni: string | null;
  readonly verifyCertificate: boolean;
  readonly healthyStatuses: ReadonlySet<number>;
  readonly unhealthyStatuses: ReadonlySet<number>;
}

export interface ProbeTarget {
  /** Where to connect (an IP from the DNS cache, or the name itself). */
  readonly address: string;
  readonly port: number;
  /** The target's own host name, for SNI. */
  readonly hostname: string;
  readonly hostHeader: string;
}

/** A running probe; `cancel` tears the connection down (the checker stopped). */
export interface Probe {
  readonly result: Promise<HealthReport | null>;
  cancel(): void;
}

/** Starts a probe; resolves to the report it makes, or null when the status is in neither list. */
export function startProbe(spec: ProbeSpec, target: ProbeTarget): Probe {
  return spec.type === 'tcp' ? tcpProbe(spec, target) : httpProbe(spec, target);
}

function tcpProbe(spec: ProbeSpec, target: ProbeTarget): Probe {
  let socket: Socket | null = null;
  const result = new Promise<HealthReport | null>((resolve) => {
    const s = connect({ host: target.address, port: target.port });
    socket = s;
    s.setTimeout(spec.timeoutMs, () => {
      s.destroy();
      resolve('timeout');
    });
    s.once('connect', () => {
      s.destroy();
      resolve('success');
    });
    s.once('error', () => resolve('tcp_failure'));
    s.once('close', () => resolve('tcp_failure'));
  });
  return { result, cancel: () => (socket as Socket | null)?.destroy() };
}

function httpProbe(spec: ProbeSpec, target: ProbeTarget): Probe {
  let req: ClientRequest | null = null;
  const result = new Promise<HealthReport | null>((resolve) => {
    const headers: Record<string, string | string[]> = { host: target.hostHeader };
    for (const name in spec.headers) headers[name.toLowerCase()] = [...spec.headers[name]!];
    const options = {
      host: target.address,
      port: target.port,
      method: 'GET',
      path: spec.path,
      headers,
      agent: false as const,
    };
    const sni = spec.sni ?? (isIP(target.hostname) === 0 ? target.hostname : undefined);
    const r =
      spec.type === 'https'
        ? httpsRequest({ ...options, rejectUnauthorized: spec.verifyCertificate, ...(sni ? { servername: sni } : {}) })
        : httpRequest(options);
    req = r;
    // One timer for the whole probe, as Kong's single socket timeout covers connect, send and receive.
    const timer = setTimeout(() => {
      resolve('timeout');
      r.destroy();
    }, spec.timeoutMs);
    timer.unref();
    r.once('response', (res) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      res.resume();
      res.once('error', () => {});
      r.destroy();
      if (spec.healthyStatuses.has(status)) resolve('success');
      else if (spec.unhealthyStatuses.has(status)) resolve('http_failure');
      else resolve(null);
    });
    r.once('error', () => {
      clearTimeout(timer);
      resolve('tcp_failure');
    });
    r.end();
  });
  return { result, cancel: () => (req as ClientRequest | null)?.destroy() };
}
