/**
 * `POST /schemas/{entity}/validate` (Kong: api/routes/kong.lua validate_schema, answered in DB-less too): one
 * record checked as the loader would check it in a kong.yaml, minus what needs the rest of a file (references
 * and uniqueness, as Kong's schema:validate does not look at other entities), with errors in Kong's
 * schema-violation body (kong/db/errors.lua).
 */
import { runChecks } from '../config/checks.js';
import { deriveValues } from '../config/derive.js';
import { flatten } from '../config/flatten.js';
import { md5 } from '../config/load.js';
import { type FieldProblem, normalizeRow } from '../config/normalize.js';
import { validateDocument } from '../config/validate.js';
import type { EntityDef } from '../schema/index.js';
import { type AdminResponse, daoError, ok } from './responses.js';

/** The loader's stages for a one-record file, references and uniqueness left out (load.ts has the order). */
export function validateEntity(def: EntityDef, record: Record<string, unknown>): AdminResponse {
  const doc = { _format_version: '3.0', [def.name]: [record] };
  const problems: FieldProblem[] = validateDocument(doc);
  // What resolving references would report of a required one that is missing (a target's upstream).
  for (const fk of def.foreignKeys) {
    if (fk.required && record[fk.field] == null) problems.push({ path: [def.name, 0, fk.field], message: 'required field missing' });
  }
  if (problems.length === 0) {
    const now = Date.now();
    const rows = flatten(doc);
    for (const list of rows.values()) for (const row of list) normalizeRow(row, now, problems);
    // Kong's process_auto_fields: generated values (a key-auth key) count as given.
    deriveValues(rows, { hash: md5(JSON.stringify(record)), transform: true });
    if (problems.length === 0) runChecks(rows, { problems, env: process.env, now });
  }
  // Problems sit at `<entity>[0]…`; nested children (a service's routes) keep their own path below it.
  const own = problems.map((p) => ({ path: p.path.slice(2), message: p.message }));
  return own.length === 0 ? ok({ message: 'schema validation successful' }) : schemaViolation(own);
}

interface Problem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Kong's body: `fields` nests the messages by field (arrays for list positions, `@entity` for the record as a
 * whole); the message lists them as `field: msg` or `field.sub: …`, sorted, joined by `; `.
 */
export function schemaViolation(problems: readonly Problem[]): AdminResponse {
  const fields: Record<string, unknown> = {};
  for (const p of problems) {
    if (p.path.length === 0) {
      const list = (fields['@entity'] ??= []) as string[];
      list.push(p.message);
    } else {
      place(fields, p.path, p.message);
    }
  }
  const parts: string[] = [...((fields['@entity'] as string[] | undefined) ?? [])];
  for (const name of Object.keys(fields).filter((k) => k !== '@entity').sort()) {
    const v = fields[name];
    if (typeof v === 'string') {
      parts.push(`${name}: ${v}`);
      continue;
    }
    // Kong's arrays are 1-based: `snis.1: must not be an IP`.
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i + 1), x] as const).filter(([, x]) => x != null) : Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [sub, x] of entries) parts.push(`${name}.${sub}: ${typeof x === 'string' ? x : JSON.stringify(x)}`);
  }
  const message = parts.length === 1 ? `schema violation (${parts[0]})` : `${parts.length} schema violations (${parts.join('; ')})`;
  return daoError(400, 2, 'schema violation', message, { fields });
}

function place(into: Record<string, unknown> | unknown[], path: readonly (string | number)[], message: string): void {
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const slot = into as Record<string | number, unknown>;
  if (rest.length === 0) {
    // One message per field, as Kong keeps one.
    slot[head] ??= message;
    return;
  }
  const existing = slot[head];
  if (existing === undefined || typeof existing === 'string') slot[head] = typeof rest[0] === 'number' ? [] : {};
  place(slot[head] as Record<string, unknown>, rest, message);
}
