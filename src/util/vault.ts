/**
 * `{vault://env/NAME}` references (Kong's env vault): checked at load, resolved when plugins are compiled.
 * Values are never logged; errors name the reference, not the secret.
 */
export interface VaultRefAt {
  readonly path: (string | number)[];
  readonly ref: string;
}

const REF_RE = /^\{vault:\/\/([a-z][a-z0-9-]*)\/([^/}]+)(?:\/([^}]+))?\}$/;

export function findVaultRefs(value: unknown, path: (string | number)[] = [], out: VaultRefAt[] = []): VaultRefAt[] {
  if (typeof value === 'string') {
    if (value.startsWith('{vault://')) out.push({ path, ref: value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findVaultRefs(v, [...path, i], out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) findVaultRefs(v, [...path, k], out);
  }
  return out;
}

export type VaultResolution = { ok: true; value: string } | { ok: false; error: string; hint?: string };

/** env vault: `{vault://env/my-secret}` reads MY_SECRET; `/key` picks a field of a JSON value. */
export function resolveVaultRef(ref: string, env: NodeJS.ProcessEnv): VaultResolution {
  const m = REF_RE.exec(ref);
  if (!m) return { ok: false, error: `invalid vault reference '${ref}'`, hint: 'use {vault://env/NAME}' };
  const [, vault, name, key] = m;
  if (vault !== 'env') return { ok: false, error: `vault '${vault}' is not installed`, hint: "sluice bundles the 'env' vault" };
  const envName = name!.toUpperCase().replace(/-/g, '_');
  const raw = env[envName];
  if (raw === undefined) {
    return { ok: false, error: `could not resolve vault reference '${ref}'`, hint: `environment variable ${envName} is not set` };
  }
  if (key === undefined) return { ok: true, value: raw };
  try {
    const obj = JSON.parse(raw) as Record<string, unknown>;
    const v = obj[key];
    if (typeof v === 'string') return { ok: true, value: v };
  } catch {
    // fall through: reported below
  }
  return { ok: false, error: `could not resolve vault reference '${ref}'`, hint: `${envName} has no JSON field '${key}'` };
}

/** A copy of `value` with every vault reference replaced by its secret (for compiled plugin configs). */
export function resolveVaultRefs<T>(value: T, env: NodeJS.ProcessEnv): T {
  if (typeof value === 'string') {
    if (!value.startsWith('{vault://')) return value;
    const r = resolveVaultRef(value, env);
    return (r.ok ? r.value : value) as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolveVaultRefs(v, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVaultRefs(v, env)])) as T;
  }
  return value;
}
