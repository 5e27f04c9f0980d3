import { BlockList, isIP } from 'node:net';

/** Parses `addr` or `addr/bits` (IPv4 or IPv6); null when it is neither. */
export function parseIpOrCidr(entry: string): { addr: string; bits: number | null; type: 'ipv4' | 'ipv6' } | null {
  const slash = entry.indexOf('/');
  const addr = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIP(addr);
  if (family === 0) return null;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (slash < 0) return { addr, bits: null, type };
  const rest = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(rest)) return null;
  const bits = Number(rest);
  if (bits > (family === 6 ? 128 : 32)) return null;
  return { addr, bits, type };
}

/** Kong's ip_or_cidr check, with its message; null when every entry is valid. */
export function checkIpList(list: unknown): string | null {
  if (!Array.isArray(list)) return null;
  for (const e of list) {
    if (typeof e !== 'string' || parseIpOrCidr(e) === null) return `invalid ip or cidr range: '${String(e)}'`;
  }
  return null;
}

export type IpMatcher = (ip: string) => boolean;

/** A matcher over a list of IPs and CIDRs, built once; an IPv4-mapped IPv6 client is also tried as IPv4. */
export function ipMatcher(list: readonly string[]): IpMatcher {
  const bl = new BlockList();
  for (const entry of list) {
    const p = parseIpOrCidr(entry);
    if (p === null) throw new Error(`invalid ip or cidr range: '${entry}'`);
    if (p.bits === null) bl.addAddress(p.addr, p.type);
    else bl.addSubnet(p.addr, p.bits, p.type);
  }
  return (ip) => {
    const family = isIP(ip);
    if (family === 4) return bl.check(ip, 'ipv4');
    if (family !== 6) return false;
    if (bl.check(ip, 'ipv6')) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    return mapped !== null && bl.check(mapped[1]!, 'ipv4');
  };
}
