/**
 * The one reading of `host[:port]` text — Host headers, route hosts, listen addresses — as nginx reads a Host
 * header (ngx_http_validate_host): the host ends at the first `:`, or, for an IPv6 literal (`[` first), at
 * its `]`. Callers that follow other rules (Kong's router, which splits at the first `:` whatever it is
 * inside) build them on this split; none splits text itself.
 */

export interface HostPort {
  /** The host part as written; an IPv6 literal keeps its brackets. */
  readonly host: string;
  /** The port, when what follows the host is `:` and a decimal number 0–65535; null otherwise. */
  readonly port: number | null;
  /** Everything after the host: '' when nothing, else from the `:` on (which need not be a port at all). */
  readonly rest: string;
}

const PORT = /^:\d{1,5}$/;

export function splitHostPort(text: string): HostPort {
  let end: number;
  if (text.charCodeAt(0) === 91 /* [ */) {
    // An unterminated literal is all host, as nginx reads it.
    const close = text.indexOf(']');
    end = close < 0 ? text.length : close + 1;
  } else {
    const colon = text.indexOf(':');
    end = colon < 0 ? text.length : colon;
  }
  if (end === text.length) return { host: text, port: null, rest: '' };
  const rest = text.slice(end);
  const port = PORT.test(rest) ? Number(rest.slice(1)) : null;
  return { host: text.slice(0, end), port: port !== null && port <= 65535 ? port : null, rest };
}

/** An IPv6 literal's address (`[::1]` → `::1`); any other host as it is. */
export function withoutBrackets(host: string): string {
  return host.length > 1 && host.charCodeAt(0) === 91 && host.charCodeAt(host.length - 1) === 93 ? host.slice(1, -1) : host;
}

/**
 * nginx's `$host` from a Host header (what Kong forwards as X-Forwarded-Host, answers in https redirects and
 * returns from kong.request.get_host): the host part, lowercased, without the trailing dot of a fully
 * qualified name; '' when there is no Host header.
 */
export function requestHost(header: string | undefined): string {
  if (!header) return '';
  const { host } = splitHostPort(header);
  const end = host.length > 1 && host.charCodeAt(host.length - 1) === 46 /* . */ ? host.length - 1 : host.length;
  return (end === host.length ? host : host.slice(0, end)).toLowerCase();
}

/**
 * ngx_http_validate_host as a predicate: nginx answers 400 for a Host with a `/` or `\`, a NUL, two dots in
 * a row (port included), or nothing before the port once a trailing dot is dropped (`:80`, `.`, `::1`).
 */
export function validHost(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 47 /* / */ || c === 92 /* \ */) return false;
    if (c === 46 /* . */ && text.charCodeAt(i + 1) === 46) return false;
  }
  const { host } = splitHostPort(text);
  return host.length > (host.charCodeAt(host.length - 1) === 46 ? 1 : 0);
}
