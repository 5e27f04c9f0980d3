import { splitHostPort } from '../util/host-port.js';

const DIGITS = /^:\d+$/;

/**
 * Kong splits `host:port` at the first `:` and only when the rest is a number (kong/router/transform.lua
 * `split_host_port`), for route hosts and the request's Host header alike. An IPv6 literal's first `:` is
 * inside its brackets, so `[::1]:8000` keeps its port in the host text on both sides, which still compares
 * equal; a port too large to be one is still a port here (no route can name it: validation refuses it).
 */
export function routerHostPort(value: string): { host: string; port: number | null } {
  const { host, rest } = splitHostPort(value);
  if (host.charCodeAt(0) === 91 /* [ */ || !DIGITS.test(rest)) return { host: value, port: null };
  return { host, port: Number(rest.slice(1)) };
}
