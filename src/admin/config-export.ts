/**
 * `GET /config`: the current entities as a flat declarative file (Kong: db/declarative export). `_transform:
 * false` because values are already transformed (hashed passwords, generated keys), so a reload of the export
 * yields the same entities.
 */
import { stringify } from 'yaml';
import { ENTITIES } from '../schema/index.js';
import { foreignId, type AdminViews, type Row } from './views.js';

export function exportConfig(views: AdminViews): string {
  const doc: Record<string, unknown> = { _format_version: '3.0', _transform: false };
  for (const def of ENTITIES) {
    const rows = views.collections.get(def.name)?.rows ?? [];
    if (rows.length === 0) continue;
    const fks = new Set(def.foreignKeys.map((f) => f.field));
    // Certificates carry their SNI names in the Admin API; in the file SNIs are their own collection.
    const skip = def.name === 'certificates' ? 'snis' : null;
    doc[def.name] = rows.map((r) => exportRow(r, fks, skip));
  }
  // YAML 1.1 like the loader reads kong.yaml, so strings such as `yes` or `on` come out quoted.
  return stringify(doc, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 });
}

/** Nulls dropped (absent = default), foreign keys as plain ids. */
function exportRow(row: Row, fks: ReadonlySet<string>, skip: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined || k === skip) continue;
    out[k] = fks.has(k) ? foreignId(v) : v;
  }
  return out;
}
