/**
 * The secret values one config holds, for cutting them out of its error messages before they reach a log or the
 * Admin API: every secret field's value (src/log/secret-fields.ts) and every value a `{vault://…}` reference
 * resolves to, wherever it is used. A reference itself is not secret (Kong shows it); what it resolves to is.
 */
import { ENTITY_SECRETS, JWK_PRIVATE_MEMBERS, PLUGIN_SECRETS, type SecretField } from '../log/secret-fields.js';
import { secretScrubber } from '../log/secret-text.js';
import { ENTITIES, type EntityName } from '../schema/index.js';
import type { ConfigError } from './types.js';
import { resolveVaultRef } from '../util/vault.js';

type Row = Readonly<Record<string, unknown>>;

const COLLECTIONS: ReadonlySet<string> = new Set(ENTITIES.map((e) => e.name));

/**
 * The secrets in a declarative document as written, or in `Entities`: any array under a collection's name holds
 * records of that entity, at the top or nested (`consumers[].keyauth_credentials[]`), so a document that failed
 * validation is read as far as it makes sense.
 */
export function secretValues(tree: unknown, env: NodeJS.ProcessEnv): Set<string> {
  const out = new Set<string>();
  walk(tree, null, out, env);
  return out;
}

function walk(value: unknown, collection: string | null, out: Set<string>, env: NodeJS.ProcessEnv): void {
  if (typeof value === 'string') {
    if (value.startsWith('{vault://')) {
      const resolved = resolveVaultRef(value, env);
      if (resolved.ok) addValue(out, resolved.value);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) walk(v, collection, out, env);
  } else if (isRecord(value)) {
    if (collection !== null) addRecord(out, collection, value);
    for (const k in value) {
      const v = value[k];
      walk(v, Array.isArray(v) && COLLECTIONS.has(k) ? k : null, out, env);
    }
  }
}

function addRecord(out: Set<string>, collection: string, row: Row): void {
  for (const f of ENTITY_SECRETS[collection as EntityName] ?? []) addField(out, row, f);
  if (collection === 'plugins' && typeof row.name === 'string' && isRecord(row.config)) {
    for (const f of PLUGIN_SECRETS[row.name] ?? []) addField(out, row.config, f);
  }
}

/** `errors` with a `redacted` form on each one whose message or hint quotes any of `secrets`. */
export function withRedactions(errors: readonly ConfigError[], secrets: Iterable<string>): ConfigError[] {
  const scrub = secretScrubber(secrets);
  return errors.map((e) => {
    const message = scrub(e.message);
    const hint = e.hint === undefined ? undefined : scrub(e.hint);
    if (message === e.message && hint === e.hint) return e;
    return { ...e, redacted: { message, ...(hint !== undefined ? { hint } : {}) } };
  });
}

function addField(out: Set<string>, record: Row, f: SecretField): void {
  let v: unknown = record;
  for (const key of f.path) v = isRecord(v) ? v[key] : undefined;
  if (typeof v !== 'string') return;
  if (f.jwk) addJwk(out, v);
  else addValue(out, v);
}

/** A JWK's private members; the whole text when it is not a JSON object (nothing in it can be told public). */
function addJwk(out: Set<string>, jwk: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwk);
  } catch {
    parsed = null;
  }
  if (!isRecord(parsed)) return addValue(out, jwk);
  for (const m of JWK_PRIVATE_MEMBERS) addStrings(out, parsed[m]);
}

function addStrings(out: Set<string>, v: unknown): void {
  if (typeof v === 'string') addValue(out, v);
  else if (Array.isArray(v)) for (const x of v) addStrings(out, x);
  else if (isRecord(v)) for (const x of Object.values(v)) addStrings(out, x);
}

/**
 * Line by line, as messages quote multi-line values (PEM) in pieces; PEM armor lines are public text. The JSON
 * form too, for messages that quote a value JSON-encoded.
 */
function addValue(out: Set<string>, value: string): void {
  if (value.startsWith('{vault://')) return;
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || /^-----(BEGIN|END) [A-Z0-9 ]+-----$/.test(line)) continue;
    out.add(line);
    const json = JSON.stringify(line).slice(1, -1);
    if (json !== line) out.add(json);
  }
}

function isRecord(v: unknown): v is Row {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
