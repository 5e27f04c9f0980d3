import type { Pdk } from '../../pdk/kong.js';

export interface TokenSources {
  readonly uriParamNames: readonly string[];
  readonly cookieNames: readonly string[];
  readonly headerNames: readonly string[];
}

const BEARER = /\s*[Bb]earer\s+(.+)/;

/**
 * Kong collects every distinct token the request carries: query arguments, then cookies, then `Bearer`
 * headers. One token is the usual case; several distinct ones are refused. A query flag without a value
 * (`?jwt`) counts as a token Kong cannot read, hence `true`.
 */
export function findTokens(kong: Pdk, sources: TokenSources): Set<string | true> {
  const found = new Set<string | true>();
  if (sources.uriParamNames.length > 0) {
    const query = kong.request.get_query();
    for (const name of sources.uriParamNames) {
      const v = query[name];
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) if (one !== '') found.add(one);
    }
  }
  if (sources.cookieNames.length > 0) {
    const header = kong.request.get_header('cookie');
    if (header !== null) {
      for (const name of sources.cookieNames) {
        const v = cookie(header, name);
        if (v !== null && v !== '') found.add(v);
      }
    }
  }
  for (const name of sources.headerNames) {
    const value = kong.request.get_header(name);
    const token = value === null ? undefined : BEARER.exec(value)?.[1];
    if (token !== undefined && token !== '') found.add(token);
  }
  return found;
}

/** The first cookie of that name, as nginx's $cookie_<name> gives it. */
function cookie(header: string, name: string): string | null {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq >= 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
