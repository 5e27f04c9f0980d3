/**
 * Secret values the Admin API hides by default. Kong returns certificate keys, key material and credential
 * secrets in full; sluice replaces them with a marker unless the server is started with `exposeSecrets`.
 * Basic-auth passwords are already one-way hashes, so they are shown as Kong shows them.
 */
import type { EntityName } from '../schema/index.js';

export const REDACTED = '[redacted]';

/** Top-level fields whose whole value is secret, per entity. */
const SECRET_FIELDS: Partial<Record<EntityName, readonly string[]>> = {
  certificates: ['key', 'key_alt'],
  keyauth_credentials: ['key'],
  jwt_secrets: ['secret'],
  hmacauth_credentials: ['secret'],
};

/** The private members of a JWK (RFC 7518 §6.2.2 for RSA, §6.2.1 for EC/OKP `d`, §6.4 for `oct` `k`). */
const JWK_PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Entities that may carry a secret: the only ones whose rows need a redacted copy. */
export function hasSecrets(name: EntityName): boolean {
  return name in SECRET_FIELDS || name === 'keys';
}

/**
 * A copy of `row` with its secrets replaced, or null when it carries none (absent and null values are left as
 * they are, so a client can still tell that a certificate has no `key_alt`).
 */
export function redactRow<R extends Readonly<Record<string, unknown>>>(name: EntityName, row: R): R | null {
  let out: Record<string, unknown> | null = null;
  const set = (k: string, v: unknown) => ((out ??= { ...row })[k] = v);
  for (const f of SECRET_FIELDS[name] ?? []) if (row[f] != null) set(f, REDACTED);
  if (name === 'keys') {
    const pem = row['pem'];
    if (pem && typeof pem === 'object' && (pem as { private_key?: unknown }).private_key != null) {
      set('pem', { ...pem, private_key: REDACTED });
    }
    const jwk = row['jwk'];
    if (typeof jwk === 'string') {
      const redacted = redactJwk(jwk);
      if (redacted !== jwk) set('jwk', redacted);
    }
  }
  return out as R | null;
}

/** Keys keep their JWK a JSON string (as Kong stores it): the public members stay readable. */
export function redactJwk(jwk: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwk);
  } catch {
    // Not JSON: nothing can be shown safely.
    return REDACTED;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return REDACTED;
  const obj = parsed as Record<string, unknown>;
  if (!JWK_PRIVATE.some((m) => m in obj)) return jwk;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = (JWK_PRIVATE as readonly string[]).includes(k) ? REDACTED : v;
  return JSON.stringify(out);
}
