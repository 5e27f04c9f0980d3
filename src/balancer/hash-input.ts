/**
 * The value a consistent-hashing upstream hashes for a request (Kong: balancer get_value_to_hash): the
 * `hash_on` input, else the `hash_fallback` one, else nothing. A missing hash cookie is created and set.
 */
import { randomUUID } from 'node:crypto';
import { normalizePath } from '../router/index.js';
import type { Upstream } from '../schema/index.js';
import type { BalanceRequest } from './balance-request.js';

type HashOn = Upstream['hash_on'];

interface HashInput {
  readonly on: HashOn;
  /** The header, query arg or capture name for `on`. */
  readonly name: string | null;
}

export interface HashSpec {
  readonly primary: HashInput;
  readonly fallback: HashInput;
  readonly cookie: string | null;
  readonly cookiePath: string;
}

export function hashSpec(u: Upstream): HashSpec {
  const name = (on: HashOn, header: string | null, arg: string | null, capture: string | null): string | null =>
    on === 'header' ? header : on === 'query_arg' ? arg : on === 'uri_capture' ? capture : on === 'cookie' ? u.hash_on_cookie : null;
  return {
    primary: { on: u.hash_on, name: name(u.hash_on, u.hash_on_header, u.hash_on_query_arg, u.hash_on_uri_capture) },
    fallback: {
      on: u.hash_fallback,
      name: name(u.hash_fallback, u.hash_fallback_header, u.hash_fallback_query_arg, u.hash_fallback_uri_capture),
    },
    cookie: u.hash_on_cookie,
    cookiePath: u.hash_on_cookie_path,
  };
}

export function valueToHash(spec: HashSpec, r: BalanceRequest): string | null {
  const v = inputValue(spec, spec.primary, r);
  if (v !== null || spec.primary.on === 'none') return v;
  return inputValue(spec, spec.fallback, r);
}

function inputValue(spec: HashSpec, input: HashInput, r: BalanceRequest): string | null {
  const { req } = r;
  switch (input.on) {
    case 'none':
      return null;
    case 'consumer':
      return r.consumerId;
    case 'ip':
      return req.socket.remoteAddress ?? null;
    case 'header': {
      const v = req.headers[input.name!.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    }
    case 'cookie': {
      const v = cookieValue(req.headers.cookie, input.name!);
      if (v !== null) return v;
      // Kong: no cookie yet → make one, hash on it, and hand it to the client so later requests stick
      // (attributes spelled as Kong writes them, `Same-Site` included).
      const made = randomUUID();
      r.setCookie = `${input.name!}=${made}; Path=${spec.cookiePath}; Same-Site=Lax; HttpOnly`;
      return made;
    }
    case 'path': {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      return normalizePath(q < 0 ? url : url.slice(0, q));
    }
    case 'query_arg': {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      if (q < 0) return null;
      const values = new URLSearchParams(url.slice(q + 1)).getAll(input.name!);
      // Kong: a repeated argument hashes as its values sorted and joined with commas.
      return values.length === 0 ? null : values.length === 1 ? values[0]! : values.sort().join(',');
    }
    case 'uri_capture':
      return r.captures?.[input.name!] ?? null;
  }
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
