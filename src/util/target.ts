import { isIP } from 'node:net';

/** host[:port] / ipv4[:port] / [ipv6][:port]; port defaults to 8000 (Kong). */
export function parseTarget(t: string): { host: string; port: number } | null {
  let host: string;
  let port = 8000;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(t);
  if (v6) {
    host = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
    if (isIP(host) !== 6) return null;
  } else if (isIP(t) === 6) {
    host = t;
  } else {
    const m = /^([A-Za-z0-9_.-]+)(?::(\d+))?$/.exec(t);
    if (!m) return null;
    host = m[1]!;
    if (m[2]) port = Number(m[2]);
    if (/^[.-]|[.-]$/.test(host)) return null;
  }
  if (port < 1 || port > 65535) return null;
  return { host, port };
}
