/**
 * Kong splits `host:port` at the first `:` and only when the rest is a number (kong/router/transform.lua
 * `split_host_port`), for route hosts and the request's Host header alike. So `[::1]:8000` keeps its port in the
 * host text on both sides, which still compares equal.
 */
export function splitHostPort(value: string): { host: string; port: number | null } {
  const colon = value.indexOf(':');
  if (colon < 0) return { host: value, port: null };
  const rest = value.slice(colon + 1);
  if (!/^\d+$/.test(rest)) return { host: value, port: null };
  return { host: value.slice(0, colon), port: Number(rest) };
}
