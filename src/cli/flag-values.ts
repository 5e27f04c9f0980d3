import { parseListen } from '../proxy/server.js';

/** Exit codes of `sluice start`: 0 stopped cleanly, 1 could not start (or stop), 2 bad usage (as `validate`). */
export const EXIT = { stopped: 0, failed: 1, usage: 2 } as const;

/** A flag or environment value sluice cannot use: bad usage, so the command exits 2 before anything starts. */
export class UsageError extends Error {}

/** `host:port` (or a bare port): a listener that cannot exist is a usage error, not a failed start. */
export function listenAddress(name: string, spec: string): { host: string; port: number } {
  try {
    return parseListen(spec);
  } catch (err) {
    throw new UsageError(`${name}: ${(err as Error).message}`);
  }
}

/** A listener address or `off` (Kong's `admin_listen = off`). */
export function listenOrOff(name: string, spec: string): { host: string; port: number } | null {
  return spec.trim() === 'off' ? null : listenAddress(name, spec);
}

export function milliseconds(name: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${name}: '${value}' is not a whole number of milliseconds`);
  return Number(value);
}

const TRUE = new Set(['on', 'true', '1', 'yes']);
const FALSE = new Set(['off', 'false', '0', 'no']);

/**
 * An environment variable holding a boolean, as Kong's configuration booleans (`on`/`off`, `true`/`false`).
 * Any other value is refused rather than read as "set": `SLUICE_ADMIN_EXPOSE_SECRETS=false` must not expose secrets.
 */
export function booleanEnv(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new UsageError(`${name}: '${value}' is not a boolean (on/off, true/false, 1/0, yes/no)`);
}
