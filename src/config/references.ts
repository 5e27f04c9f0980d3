/**
 * Cross-record rules Kong checks on a whole document: unique ids and keys per collection, and references
 * (by endpoint key or id, anywhere in the file) that resolve. References become `{ id }`.
 */
import type { EntityName } from '../schema/index.js';
import type { FlatRow, FlatRows } from './flatten.js';
import type { FieldProblem } from './normalize.js';

interface Index {
  readonly ids: Set<string>;
  readonly byKey: Map<string, string>;
}

export function checkUniqueness(rows: FlatRows, problems: FieldProblem[]): void {
  for (const [name, list] of rows) {
    const ids = new Map<string, FlatRow>();
    const fields = new Map<string, Map<string, FlatRow>>();
    for (const row of list) {
      const id = row.value.id as string;
      if (ids.has(id)) {
        problems.push({
          path: row.path,
          message: `uniqueness violation: '${name}' entity with primary key set to '${id}' already declared`,
          hint:
            name === 'plugins'
              ? `plugin '${String(row.value.name)}' is configured twice for the same route/service/consumer; merge them or give one an instance_name and explicit id`
              : `first declared at ${pathText(ids.get(id)!)}`,
        });
      } else ids.set(id, row);
      for (const f of row.def.unique) {
        const v = row.value[f];
        if (typeof v !== 'string') continue;
        let seen = fields.get(f);
        if (!seen) fields.set(f, (seen = new Map()));
        const first = seen.get(v);
        if (first) {
          problems.push({
            path: [...row.path, f],
            message: `uniqueness violation: '${name}' entity with ${f} set to '${v}' already declared`,
            hint: `first declared at ${pathText(first)}`,
          });
        } else seen.set(v, row);
      }
    }
  }
}

function pathText(row: FlatRow): string {
  return row.path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '');
}

function buildIndexes(rows: FlatRows): Map<EntityName, Index> {
  const out = new Map<EntityName, Index>();
  for (const [name, list] of rows) {
    const ids = new Set<string>();
    const byKey = new Map<string, string>();
    for (const row of list) {
      ids.add(row.value.id as string);
      const key = row.def.endpointKey;
      const kv = key && row.def.unique.includes(key) ? row.value[key] : undefined;
      if (typeof kv === 'string' && !byKey.has(kv)) byKey.set(kv, row.value.id as string);
    }
    out.set(name, { ids, byKey });
  }
  return out;
}

/** Replaces every foreign key written as a name or id with `{ id }`; reports the ones that resolve to nothing. */
export function resolveReferences(rows: FlatRows, problems: FieldProblem[]): void {
  const indexes = buildIndexes(rows);
  for (const list of rows.values()) {
    for (const row of list) {
      for (const fk of row.def.foreignKeys) {
        const v = row.value[fk.field];
        if (v === null || v === undefined) {
          if (fk.required) {
            problems.push({
              path: [...row.path, fk.field],
              message: 'required field missing',
              hint: `nest it under its ${fk.entity.replace(/s$/, '')} or set ${fk.field} to a name or id`,
            });
          }
          continue;
        }
        const index = indexes.get(fk.entity)!;
        const written = typeof v === 'string' ? v : (v as { id: string }).id;
        const id = typeof v === 'string' ? (index.byKey.get(v) ?? (index.ids.has(v.toLowerCase()) ? v.toLowerCase() : undefined)) : index.ids.has(written) ? written : undefined;
        if (id === undefined) {
          const known = [...index.byKey.keys()];
          problems.push({
            path: [...row.path, fk.field],
            message: `invalid reference '${fk.field}: ${written}' (no such entry in '${fk.entity}')`,
            ...(known.length > 0 ? { hint: `known: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}` } : {}),
          });
          continue;
        }
        row.value[fk.field] = { id };
      }
    }
  }
}
