import { BlockList, isIP } from 'node:net';

/** Proxy behaviour that comes from the command line / environment rather than kong.yaml (Kong's kong.conf). */
export interface ProxySettings {
  /** Peers whose X-Forwarded-* headers are believed (Kong: trusted_ips, default none). */
  readonly trustedIps: BlockList | null;
  /** Kong `headers`: server_tokens (Server, Via). */
  readonly serverTokens: boolean;
  /** Kong `headers`: latency_tokens (X-Kong-Upstream-Latency, X-Kong-Proxy-Latency, X-Kong-Response-Latency). */
  readonly latencyTokens: boolean;
  /** Kong `headers`: X-Kong-Request-Id to the client; `headers_upstream`: X-Kong-Request-Id to the upstream. */
  readonly requestIdDownstream: boolean;
  readonly requestIdUpstream: boolean;
}

export const DEFAULT_PROXY_SETTINGS: ProxySettings = Object.freeze({
  trustedIps: null,
  serverTokens: true,
  latencyTokens: true,
  requestIdDownstream: true,
  requestIdUpstream: true,
});

/**
 * Kong's `headers` setting: which informational headers go to the client. `off` disables all;
 * server_tokens, latency_tokens and X-Kong-Request-Id enable one group each (Kong's default: all three).
 */
export function parseHeaders(list: string): Pick<ProxySettings, 'serverTokens' | 'latencyTokens' | 'requestIdDownstream'> {
  const items = list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const known = new Set(['off', 'server_tokens', 'latency_tokens', 'x-kong-request-id']);
  for (const i of items) {
    if (!known.has(i)) throw new Error(`headers: unknown value '${i}' (expected off, server_tokens, latency_tokens, X-Kong-Request-Id)`);
  }
  if (items.includes('off')) return { serverTokens: false, latencyTokens: false, requestIdDownstream: false };
  return {
    serverTokens: items.includes('server_tokens'),
    latencyTokens: items.includes('latency_tokens'),
    requestIdDownstream: items.includes('x-kong-request-id'),
  };
}

/** Parses Kong's trusted_ips syntax: comma-separated IPs or CIDRs, or `0.0.0.0/0,::/0` for everyone. */
export function parseTrustedIps(list: string): BlockList | null {
  const entries = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const bl = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/') as [string, string | undefined];
    const family = isIP(addr);
    if (family === 0) throw new Error(`trusted_ips: '${e}' is not an IP address or CIDR`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) bl.addAddress(addr, type);
    else bl.addSubnet(addr, Number(bits), type);
  }
  return bl;
}

export function isTrusted(settings: ProxySettings, ip: string | undefined): boolean {
  if (settings.trustedIps === null || ip === undefined) return false;
  const family = isIP(ip);
  return family !== 0 && settings.trustedIps.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}
