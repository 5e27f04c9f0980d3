/**
 * Check stage: unique ids and unique fields per collection (Kong's flatten: "uniqueness violation"), on normalized
 * rows, so derived values (a CA certificate's cert_digest, generated credentials) are compared as they are
 * stored. Pure: reads rows, reports problems, changes nothing.
 */
import { joinPath } from './errors.js';
import type { FlatRow, FlatRows } from './flatten.js';
import type { FieldProblem } from './normalize.js';

export function checkUniqueness(rows: FlatRows, problems: FieldProblem[]): void {
  for (const [name, list] of rows) {
    const ids = new Map<string, FlatRow>();
    const fields = new Map<string, Map<string, FlatRow>>();
    for (const row of list) {
      const id = row.value.id as string;
      const first = ids.get(id);
      if (first) {
        problems.push({
          path: row.path,
          message: `uniqueness violation: '${name}' entity with primary key set to '${id}' already declared`,
          hint:
            name === 'plugins'
              ? `plugin '${String(row.value.name)}' is configured twice for the same route/service/consumer; merge them or give one an instance_name and explicit id`
              : `first declared at ${joinPath(first.path)}`,
        });
      } else ids.set(id, row);
      for (const f of row.def.unique) {
        const v = row.value[f];
        if (typeof v !== 'string') continue;
        let seen = fields.get(f);
        if (!seen) fields.set(f, (seen = new Map()));
        const earlier = seen.get(v);
        if (earlier) {
          problems.push({
            path: [...row.path, f],
            message: `uniqueness violation: '${name}' entity with ${f} set to '${v}' already declared`,
            hint: `first declared at ${joinPath(earlier.path)}`,
          });
        } else seen.set(v, row);
      }
    }
  }
}
