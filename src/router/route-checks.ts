/**
 * Config-time checks of route paths, hosts and header values, in Kong's words and in Kong's order
 * (kong/db/schema/typedefs.lua `router_path`, `hosts`; kong/tools/ip.lua). Each returns the first error or null.
 */
import { kongNormalize } from './normalize.js';
import { compileHeaderRegex, compileRegexPath } from './regex.js';

export function checkRoutePath(path: string): string | null {
  if (path === '') return 'length must be at least 1';
  // Schema order: match_none (`//`) runs before match_any (the leading `/` or `~/`).
  if (path.includes('//')) return 'must not have empty segments';
  if (!path.startsWith('/') && !path.startsWith('~/')) return 'should start with: / (fixed path) or ~/ (regex path)';
  const percent = badPercent(path);
  if (percent !== null) return `invalid url-encoded value: '${percent}'`;
  if (!path.startsWith('~')) {
    const normalized = kongNormalize(path);
    return normalized === path ? null : `non-normalized path, consider use '${normalized}' instead`;
  }
  const compiled = compileRegexPath(path.slice(1));
  return typeof compiled === 'string' ? compiled : null;
}

// Kong's path typedef: outside these characters its percent check does not run at all.
const RFC3986_PATH = /^\/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$/;

/** The first `%` not followed by two hex digits, with up to two characters after it (Kong's message). */
function badPercent(path: string): string | null {
  if (!RFC3986_PATH.test(path)) return null;
  const masked = path.replace(/%[0-9A-Fa-f]{2}/g, '___');
  const at = masked.indexOf('%');
  return at < 0 ? null : masked.slice(at, at + 3);
}

/** A header value: plain text, or `~*` + a regex that must compile (Kong: ATC validation of the expression). */
export function checkRouteHeaderValue(value: string): string | null {
  if (!value.startsWith('~*')) return null;
  const re = compileHeaderRegex(value.slice(2));
  return typeof re === 'string' ? `Router Expression failed validation: ${re}` : null;
}

/** host[:port], with at most one `*`, as the whole leftmost or rightmost label. */
export function checkRouteHost(host: string): string | null {
  if (host === '') return 'length must be at least 1';
  if ((host.match(/\*/g) ?? []).length > 1) return 'invalid wildcard: must have at most one wildcard';
  if (host.includes('*') && !host.startsWith('*.') && !host.endsWith('.*')) {
    return 'invalid wildcard: must be placed at leftmost or rightmost label';
  }
  // Kong validates the host with the wildcard spelled "abc", so messages show that spelling.
  return checkHostWithOptionalPort(host.replace('*', 'abc'));
}

function checkHostWithOptionalPort(address: string): string | null {
  const colons = address.split(':').length - 1;
  if (colons > 1) return checkIpv6(address);
  if (/^[\d.:]+$/.test(address)) return checkIpv4(address);
  return checkHostname(address);
}

function checkIpv4(address: string): string | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?$/.exec(address);
  if (!m || address.endsWith(':') || [m[1], m[2], m[3], m[4]].some((o) => Number(o) > 255)) {
    return `invalid ipv4 address: ${address}`;
  }
  return m[5] !== undefined && Number(m[5]) > 65535 ? 'invalid port number' : null;
}

function checkIpv6(address: string): string | null {
  let body = address;
  const bracketed = /^\[([^\]]*)\](.*)$/.exec(address);
  if (bracketed) {
    body = bracketed[1]!;
    const rest = bracketed[2]!;
    if (rest !== '') {
      const port = /^:(\d*)$/.exec(rest);
      if (!port) return 'invalid ipv6 address';
      if (Number(port[1]) > 65535) return 'invalid port number';
    }
  }
  if (body.startsWith(':')) body = `0${body}`;
  if (body.endsWith(':')) body = `${body}0`;
  if (body.includes('::')) {
    const count = body.split(':').length - 1;
    body = body.replace('::', `:${'0:'.repeat(Math.max(0, 8 - count))}`);
  }
  return /^([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}$/.test(body) ? null : `invalid ipv6 address: ${address}`;
}

function checkHostname(address: string): string | null {
  let name = address;
  const port = /:(\d+)$/.exec(address);
  if (port) {
    name = address.slice(0, -(port[1]!.length + 1));
    if (Number(port[1]) > 65535) return 'invalid port number';
  }
  if (!/^[A-Za-z0-9\-._]+$/.test(name)) return `invalid hostname: ${address}`;
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label.endsWith('-') || (label === '' && i !== labels.length - 1)) return `invalid hostname: ${address}`;
  }
  return null;
}
