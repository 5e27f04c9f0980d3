/** Config-time checks of route paths and hosts, in Kong's words (kong/db/schema/entities/routes.lua). */
import { normalizePath } from './normalize.js';
import { compileRegexPath } from './regex.js';

export function checkRoutePath(path: string): string | null {
  if (path.startsWith('~')) {
    const re = path.slice(1);
    if (!re.startsWith('/')) return 'should start with: / (fixed path) or ~/ (regex path)';
    const compiled = compileRegexPath(re);
    return typeof compiled === 'string' ? compiled : null;
  }
  if (!path.startsWith('/')) return 'should start with: / (fixed path) or ~/ (regex path)';
  if (path.includes('//')) return 'must not have empty segments';
  const normalized = normalizePath(path);
  if (normalized === null) return `invalid url-encoded value: '${path}'`;
  if (normalized !== path) return `non-normalized path, consider use '${normalized}' instead`;
  return null;
}

const LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/;

/** host[:port], with at most one `*` as the whole leftmost or rightmost label. */
export function checkRouteHost(host: string): string | null {
  let name = host;
  const colon = host.lastIndexOf(':');
  if (colon > 0 && !host.endsWith(']')) {
    const port = host.slice(colon + 1);
    if (!/^\d+$/.test(port) || Number(port) > 65535) return `invalid port number: '${host}'`;
    name = host.slice(0, colon);
  }
  if (name.startsWith('[') && name.endsWith(']')) return null; // IPv6 literal
  const stars = name.split('*').length - 1;
  if (stars > 1) return 'invalid wildcard: must have at most one wildcard';
  const labels = name.split('.');
  if (stars === 1) {
    const first = labels[0] === '*';
    const last = labels[labels.length - 1] === '*';
    if (!(first || last) || labels.length < 2) return 'invalid wildcard: must be placed at leftmost or rightmost label';
  }
  for (const l of labels) if (l !== '*' && !LABEL.test(l)) return `invalid value: ${host}`;
  return null;
}
