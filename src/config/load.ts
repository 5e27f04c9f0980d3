/**
 * The config pipeline, one direction, pure up to the frozen result (each stage's header says what it may do):
 *   parse (parse.ts: YAML 1.1 / JSON, with positions)
 *   → migrate (migrate.ts: `_format_version` 1.1 / 2.1 route paths → 3.0)
 *   → validate (validate.ts: the generated JSON Schema; nothing changes)
 *   → normalize: flatten.ts (nesting → flat, ids) → normalize.ts (shorthands, nulls, defaults, timestamps)
 *     → references.ts (names → ids) → derive.ts (generated credentials, stored passwords, digests)
 *   → check (unique.ts, checks.ts: pure, keyed by entity type) → frozen Entities, compiled by src/snapshot.
 * Every stage collects all its errors; a stage that fails stops the ones that depend on it. The clock and the
 * environment are read only from LoadOptions.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Entities } from '../schema/index.js';
import { deepFreeze } from '../util/deep-freeze.js';
import { checkIgnoredCollections, runChecks } from './checks.js';
import { deriveValues } from './derive.js';
import { joinPath } from './errors.js';
import { flatten, type FlatRows } from './flatten.js';
import { contentKeys } from './content-key.js';
import { migrateRoutePaths } from './migrate.js';
import { type FieldProblem, normalizeRow, stampRow } from './normalize.js';
import { type Parsed, parseConfigText } from './parse.js';
import { resolveReferences } from './references.js';
import { secretValues, withRedactions } from './secret-values.js';
import type { ConfigError, LoadResult } from './types.js';
import { checkUniqueness } from './unique.js';
import { formatVersionProblem, validateDocument } from './validate.js';

export interface LoadOptions {
  /** Environment for `{vault://env/…}` references (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Clock for created_at/updated_at (ms). */
  now?: number;
  /**
   * Whether the result is deep-frozen (default true). The load worker's result is copied to the main thread,
   * which freezes only what it has not seen (src/snapshot/intern.ts): freezing it in the worker is lost work.
   */
  freeze?: boolean;
}

export function md5(text: string | Buffer): string {
  return createHash('md5').update(text).digest('hex');
}

/** Pure apart from the clock and env it is given; never throws. */
export function loadConfigText(text: string, filename: string, opts: LoadOptions = {}): LoadResult {
  try {
    return load(text, filename, opts);
  } catch (err) {
    // A bug, not bad input: still an error report, never a crash of the caller.
    return { ok: false, errors: [{ path: '', message: `internal error while loading: ${(err as Error).message}` }] };
  }
}

export async function loadConfigFile(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, errors: [{ path: '', message: `cannot read ${file}: ${e.code ?? e.message}`, hint: 'check the path and permissions' }] };
  }
  return loadConfigText(text, file, opts);
}

function load(text: string, filename: string, opts: LoadOptions): LoadResult {
  const parsed = parseConfigText(text, filename);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const { parsed: doc } = parsed;
  const value = doc.value;
  const env = opts.env ?? process.env;
  // Each error also gets the form logs and the Admin API show: the file's secrets, as written, cut out.
  const fail = (problems: readonly FieldProblem[]): LoadResult => ({
    ok: false,
    errors: withRedactions(
      problems.map((p) => located(doc, p.path, p.key === true, p.message, p.hint)),
      secretValues(value, env),
    ),
  });

  const fv = value._format_version;
  const fvProblem = formatVersionProblem(fv);
  if (fvProblem) return fail([fvProblem]);
  if (fv !== '3.0') migrateRoutePaths(value);

  const invalid = validateDocument(value);
  if (invalid.length > 0) return fail(invalid);

  const now = opts.now ?? Date.now();
  const hash = md5(text);
  const transform = value._transform !== false;
  const problems: FieldProblem[] = [];
  const rows = flatten(value);
  for (const list of rows.values()) for (const row of list) normalizeRow(row, null, problems);
  resolveReferences(rows, problems);
  deriveValues(rows, { hash, transform });
  checkUniqueness(rows, problems);
  checkIgnoredCollections(value, problems);
  if (problems.length > 0) return fail(problems);
  runChecks(rows, { problems, env, now });
  if (problems.length > 0) return fail(problems);

  const entities = toEntities(rows);
  // Keys before the clock's stamps (the entities are the rows' values, stamped in place after).
  const keys = contentKeys(entities);
  for (const list of rows.values()) for (const row of list) stampRow(row, now);
  const config = { entities, hash, formatVersion: fv as string, transform, keys };
  return { ok: true, config: opts.freeze === false ? config : deepFreeze(config) };
}

function located(doc: Parsed, path: readonly (string | number)[], key: boolean, message: string, hint?: string): ConfigError {
  const pos = doc.locate(path, key);
  return {
    path: joinPath(path),
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    message,
    ...(hint ? { hint } : {}),
  };
}

function toEntities(rows: FlatRows): Entities {
  const out: Record<string, unknown[]> = {};
  for (const [name, list] of rows) out[name] = list.map((r) => r.value);
  const members: { consumer: { id: string }; consumer_group: { id: string } }[] = [];
  const groupsByName = new Map<string, string>();
  for (const g of rows.get('consumer_groups') ?? []) groupsByName.set(g.value.name as string, g.value.id as string);
  const consumersByName = new Map<string, string>();
  for (const c of rows.get('consumers') ?? []) if (typeof c.value.username === 'string') consumersByName.set(c.value.username, c.value.id as string);
  for (const g of rows.get('consumer_groups') ?? []) {
    for (const m of (g.value.consumers as { username?: string; id?: string }[] | null) ?? []) {
      const id = m.id ?? (m.username ? consumersByName.get(m.username) : undefined);
      if (id) members.push({ consumer: { id }, consumer_group: { id: g.value.id as string } });
    }
  }
  for (const c of rows.get('consumers') ?? []) {
    for (const m of (c.value.groups as { name?: string; id?: string }[] | null) ?? []) {
      const id = m.id ?? (m.name ? groupsByName.get(m.name) : undefined);
      if (id) members.push({ consumer: { id: c.value.id as string }, consumer_group: { id } });
    }
  }
  out.consumer_group_members = members;
  return out as unknown as Entities;
}
