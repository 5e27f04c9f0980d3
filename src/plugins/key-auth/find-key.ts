import type { Pdk } from '../../pdk/kong.js';

/** What a request carries under the configured key names. */
export type KeyLookup =
  | { readonly kind: 'found'; readonly key: string; readonly name: string }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'none' };

export interface KeySources {
  readonly names: readonly string[];
  readonly inHeader: boolean;
  readonly inQuery: boolean;
}

type Args = Readonly<Record<string, unknown>>;

/**
 * Kong's search order: for each key name in turn, the header, then the query string, then the body. The first
 * string value wins (even an empty one, which then counts as no key); a repeated value is refused as a
 * duplicate; other value types are skipped.
 */
export function findKey(kong: Pdk, sources: KeySources, body: Args | null): KeyLookup {
  let query: Args | null = null;
  for (const name of sources.names) {
    let v: unknown = sources.inHeader ? kong.request.get_header(name) : null;
    if (v == null && sources.inQuery) {
      query ??= kong.request.get_query();
      v = query[name];
    }
    if (v == null && body !== null) v = body[name];
    if (typeof v === 'string') return { kind: 'found', key: v, name };
    if (typeof v === 'object' && v !== null) return { kind: 'duplicate' };
  }
  return { kind: 'none' };
}

/** The parsed body as a table of arguments, or null when it is not one (Kong then searches nothing there). */
export async function bodyArgs(kong: Pdk): Promise<Record<string, unknown> | null> {
  const [body, err] = await kong.request.get_body().catch(() => [null, 'unreadable body'] as const);
  if (err !== null || typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  return body as Record<string, unknown>;
}
