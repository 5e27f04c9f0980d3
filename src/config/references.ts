/**
 * Normalize stage, after normalize.ts: references (by endpoint key or id, anywhere in the file) become `{ id }`,
 * as Kong's flatten resolves them. May: replace a foreign key's value by the id it names. Reports only what
 * resolution itself finds: a reference to nothing, a required reference left unset, and a nested record that
 * names a parent other than the one it is nested under. May not: judge any other value (checks.ts).
 */
import { type EntityName, entityDef } from '../schema/index.js';
import type { FlatRow, FlatRows } from './flatten.js';
import type { FieldProblem } from './normalize.js';

interface Index {
  readonly ids: Set<string>;
  readonly byKey: Map<string, string>;
  /** id → the name a hint shows for it (endpoint key, else the id). */
  readonly shown: Map<string, string>;
}

function buildIndexes(rows: FlatRows): Map<EntityName, Index> {
  const out = new Map<EntityName, Index>();
  for (const [name, list] of rows) {
    const ids = new Set<string>();
    const byKey = new Map<string, string>();
    const shown = new Map<string, string>();
    for (const row of list) {
      const id = row.value.id as string;
      ids.add(id);
      const key = row.def.endpointKey;
      const kv = key && row.def.unique.includes(key) ? row.value[key] : undefined;
      if (typeof kv === 'string' && !byKey.has(kv)) byKey.set(kv, id);
      shown.set(id, typeof kv === 'string' ? kv : id);
    }
    out.set(name, { ids, byKey, shown });
  }
  return out;
}

/** The id a written reference (name, id, or `{ id }`) names, or undefined. */
function resolve(index: Index, v: unknown): string | undefined {
  if (typeof v === 'string') return index.byKey.get(v) ?? (index.ids.has(v.toLowerCase()) ? v.toLowerCase() : undefined);
  const id = (v as { id?: unknown } | null)?.id;
  return typeof id === 'string' && index.ids.has(id.toLowerCase()) ? id.toLowerCase() : undefined;
}

const written = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Replaces every foreign key written as a name or id with `{ id }`; reports the ones that resolve to nothing. */
export function resolveReferences(rows: FlatRows, problems: FieldProblem[]): void {
  const indexes = buildIndexes(rows);
  for (const list of rows.values()) {
    for (const row of list) {
      if (row.namedParent !== null) checkNamedParent(row, indexes, problems);
      for (const fk of row.def.foreignKeys) {
        const v = row.value[fk.field];
        if (v === null || v === undefined) {
          if (fk.required) {
            problems.push({
              path: [...row.path, fk.field],
              message: 'required field missing',
              hint: `nest it under its ${entityDef(fk.entity).singular} or set ${fk.field} to a name or id`,
            });
          }
          continue;
        }
        if (fk.field === row.nestedIn) continue; // filled in by flatten from the parent itself
        const index = indexes.get(fk.entity)!;
        const id = resolve(index, v);
        if (id === undefined) {
          const known = [...index.byKey.keys()];
          problems.push({
            path: [...row.path, fk.field],
            message: `invalid reference '${fk.field}: ${typeof v === 'string' ? v : (v as { id: string }).id}' (no such entry in '${fk.entity}')`,
            ...(known.length > 0 ? { hint: `known: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}` } : {}),
          });
          continue;
        }
        row.value[fk.field] = { id };
      }
    }
  }
}

/**
 * Kong's flatten (03-flatten_spec.lua "accepts as a nested entity by id / by username"): a nested record may
 * repeat its parent's name or id in the key its parent fills; naming anything else fails as Kong fails it
 * ("fails as a nested entity by incorrect username": value must be null).
 */
function checkNamedParent(row: FlatRow, indexes: Map<EntityName, Index>, problems: FieldProblem[]): void {
  const field = row.nestedIn!;
  const fk = row.def.foreignKeys.find((f) => f.field === field)!;
  const index = indexes.get(fk.entity)!;
  const parentId = (row.value[field] as { id: string }).id;
  if (resolve(index, row.namedParent) === parentId) return;
  problems.push({
    path: [...row.path, field],
    message: 'value must be null',
    hint: `'${written(row.namedParent)}' is not the ${entityDef(fk.entity).singular} this record is nested under ('${index.shown.get(parentId) ?? parentId}'); remove ${field}, or move the record to the top level`,
  });
}
