/**
 * Secret values the Admin API hides by default. Kong returns certificate keys, key material and credential
 * secrets in full; sluice replaces them with a marker unless the server is started with `exposeSecrets`. Which
 * fields are secret is src/log/secret-fields.ts; basic-auth passwords are already one-way hashes, so they are
 * shown as Kong shows them.
 */
import { REDACTED } from '../log/redact.js';
import { ENTITY_SECRETS, JWK_PRIVATE_MEMBERS, PLUGIN_SECRETS, type SecretField } from '../log/secret-fields.js';
import type { EntityName } from '../schema/index.js';

export { REDACTED };

type Row = Readonly<Record<string, unknown>>;

/** Entities that may carry a secret the Admin API hides: the only ones whose rows need a redacted copy. */
export function hasSecrets(name: EntityName): boolean {
  return name === 'plugins' ? Object.keys(PLUGIN_SECRETS).length > 0 : (ENTITY_SECRETS[name] ?? []).some((f) => !f.hashed);
}

/**
 * A copy of `row` with its secrets replaced, or null when it carries none (absent and null values are left as
 * they are, so a client can still tell that a certificate has no `key_alt`).
 */
export function redactRow<R extends Row>(name: EntityName, row: R): R | null {
  if (name === 'plugins') {
    const fields = typeof row['name'] === 'string' ? PLUGIN_SECRETS[row['name']] : undefined;
    const config = row['config'];
    if (fields === undefined || !isRecord(config)) return null;
    const redacted = redactFields(config, fields);
    return redacted === null ? null : { ...row, config: redacted };
  }
  return redactFields(row, ENTITY_SECRETS[name] ?? []);
}

function redactFields<R extends Row>(record: R, fields: readonly SecretField[]): R | null {
  let out: R | null = null;
  for (const f of fields) {
    if (f.hashed) continue;
    const next = redactAt(out ?? record, f.path, f.jwk === true);
    if (next !== null) out = next as R;
  }
  return out;
}

/** A copy of `record` with the value at `path` redacted (copying the records on the way), or null if unset. */
function redactAt(record: Row, path: readonly string[], jwk: boolean): Row | null {
  const [key, ...rest] = path;
  const v = record[key!];
  if (v === null || v === undefined) return null;
  if (rest.length > 0) {
    if (!isRecord(v)) return null;
    const inner = redactAt(v, rest, jwk);
    return inner === null ? null : { ...record, [key!]: inner };
  }
  const hidden = jwk && typeof v === 'string' ? redactJwk(v) : REDACTED;
  return hidden === v ? null : { ...record, [key!]: hidden };
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
  if (!isRecord(parsed)) return REDACTED;
  if (!JWK_PRIVATE_MEMBERS.some((m) => m in parsed)) return jwk;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = JWK_PRIVATE_MEMBERS.includes(k) ? REDACTED : v;
  return JSON.stringify(out);
}

function isRecord(v: unknown): v is Row {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
