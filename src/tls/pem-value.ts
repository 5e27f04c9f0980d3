import { resolveVaultRef } from '../util/vault.js';

/** A `{vault://env/…}` reference in a cert or key resolves to its value (Kong: referenceable); a PEM is used as it is. */
export function pemValue(value: string): string {
  if (!value.startsWith('{vault://')) return value;
  const r = resolveVaultRef(value, process.env);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
