/**
 * Normalize stage, last step (after references.ts has turned names into ids): the values Kong derives from a
 * record rather than reads from it — generated credentials, the stored form of basic-auth passwords, CA
 * certificate digests. Keyed by entity type. May: fill or transform these fields only. May not: report
 * problems (a value that cannot be derived is left unset for checks.ts to refuse), read the clock or the
 * environment. Runs before the uniqueness check, so `unique` fields are compared as Kong stores them.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { EntityName } from '../schema/index.js';
import type { FlatRow, FlatRows } from './flatten.js';

export interface DeriveContext {
  /** md5 of the file: seeds the secrets Kong would generate randomly, so a file always loads the same. */
  readonly hash: string;
  /** `_transform` (default true): false means credentials are already in their stored form. */
  readonly transform: boolean;
}

type Derive = (row: FlatRow, ctx: DeriveContext) => void;

/** Kong generates these randomly; sluice derives them from the file so reloads keep them. */
function autoSecret(ctx: DeriveContext, row: FlatRow, field: string): string {
  return createHash('sha256').update(`${ctx.hash}:${row.path.join('.')}:${field}`).digest('hex').slice(0, 32);
}

const DERIVE: Partial<Record<EntityName, Derive>> = {
  // kong/plugins/key-auth/daos.lua: key auto = true.
  keyauth_credentials: (row, ctx) => {
    row.value.key ??= autoSecret(ctx, row, 'key');
  },
  // kong/plugins/jwt/daos.lua: key and secret auto = true.
  jwt_secrets: (row, ctx) => {
    row.value.key ??= autoSecret(ctx, row, 'key');
    row.value.secret ??= autoSecret(ctx, row, 'secret');
  },
  // kong/plugins/hmac-auth/daos.lua: secret auto = true.
  hmacauth_credentials: (row, ctx) => {
    row.value.secret ??= autoSecret(ctx, row, 'secret');
  },
  // kong/plugins/basic-auth/daos.lua transformations: sha1(password .. consumer_id), unless `_transform: false`.
  basicauth_credentials: (row, ctx) => {
    if (!ctx.transform) return;
    const consumer = (row.value.consumer as { id?: unknown } | null)?.id;
    row.value.password = createHash('sha1').update(`${String(row.value.password)}${typeof consumer === 'string' ? consumer : ''}`).digest('hex');
  },
  // kong/db/schema/entities/ca_certificates.lua transformations: cert_digest = hex sha256 of the DER certificate,
  // over a digest written beside it unless `_transform: false` (then only where none is written).
  ca_certificates: (row, ctx) => {
    if (!ctx.transform && row.value.cert_digest !== null) return;
    const digest = certificateDigest(row.value.cert);
    if (digest !== null) row.value.cert_digest = digest;
  },
};

function certificateDigest(pem: unknown): string | null {
  if (typeof pem !== 'string') return null;
  try {
    return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
  } catch {
    return null; // checks.ts reports the certificate that does not parse
  }
}

export function deriveValues(rows: FlatRows, ctx: DeriveContext): void {
  for (const [name, list] of rows) {
    const derive = DERIVE[name];
    if (derive) for (const row of list) derive(row, ctx);
  }
}
