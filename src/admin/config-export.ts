/**
 * `GET /config`: the current entities as a flat declarative file (Kong: db/declarative export). `_transform:
 * false` because values are already transformed (hashed passwords, generated keys), so a reload of the export
 * yields the same entities, as long as secrets were exposed rather than redacted.
 */
import { stringify } from 'yaml';
import { ENTITIES } from '../schema/index.js';
import { REDACTED } from '../snapshot/admin-secrets.js';
import { foreignId, type AdminViews, type Row, shown } from '../snapshot/admin-views.js';

export type SecretsMode = 'expose' | 'redact';

export interface ExportedConfig {
  readonly document: Record<string, unknown>;
  /** True when at least one secret in `document` reads `[redacted]`. */
  readonly redacted: boolean;
}

export function exportDocument(views: AdminViews, secrets: SecretsMode): ExportedConfig {
  const document: Record<string, unknown> = { _format_version: '3.0', _transform: false };
  let redacted = false;
  for (const def of ENTITIES) {
    const view = views.collections.get(def.name);
    const rows = view?.rows ?? [];
    if (!view || rows.length === 0) continue;
    const fks = new Set(def.foreignKeys.map((f) => f.field));
    // Certificates carry their SNI names in the Admin API; in the file SNIs are their own collection.
    const skip = def.name === 'certificates' ? 'snis' : null;
    document[def.name] = rows.map((r) => {
      const row = shown(view, r, secrets === 'expose');
      if (row !== r) redacted = true;
      return exportRow(row, fks, skip);
    });
  }
  return { document, redacted };
}

/** The YAML file; a leading comment says when secrets were replaced (such a file does not reload as is). */
export function exportConfig(views: AdminViews, secrets: SecretsMode): string {
  return configYaml(exportDocument(views, secrets));
}

export function configYaml({ document, redacted }: ExportedConfig): string {
  // YAML 1.1 like the loader reads kong.yaml, so strings such as `yes` or `on` come out quoted.
  const yaml = stringify(document, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 });
  return redacted ? `${REDACTION_NOTE}\n${yaml}` : yaml;
}

export const REDACTION_NOTE =
  `# secrets redacted: certificate keys, private key material, key-auth keys, jwt/hmac secrets and Redis passwords read "${REDACTED}";` +
  ' start the Admin API with --admin-expose-secrets to export them';

/** Nulls dropped (absent = default), foreign keys as plain ids. */
function exportRow(row: Row, fks: ReadonlySet<string>, skip: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined || k === skip) continue;
    out[k] = fks.has(k) ? foreignId(v) : v;
  }
  return out;
}
