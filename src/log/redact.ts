// Secrets never reach a log line: values under secret names (src/log/secret-fields.ts), and vault references anywhere.
import { isSecretName } from './secret-fields.js';

const VAULT_REF = /\{vault:\/\/[^}]*\}/g;
const MAX_DEPTH = 8;

export const REDACTED = '[redacted]';

/**
 * Numbers by name that are never secret, however they are named (entity counts: `keyauth_credentials: 3`).
 * Logged as the plain object; only the code that makes them can mark them.
 */
export class Counts {
  constructor(readonly values: Readonly<Record<string, number>>) {}
}

export function redactString(s: string): string {
  return s.includes('{vault://') ? s.replace(VAULT_REF, REDACTED) : s;
}

/**
 * A copy of `value` safe to serialise: secrets replaced, Errors as {message, stack}, bigints as strings,
 * cycles and very deep nesting cut off. Plain values are returned as they are (no copy).
 */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  switch (typeof value) {
    case 'string':
      return redactString(value);
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (value instanceof Error) {
    const out: Record<string, unknown> = { message: redactString(value.message) };
    if (value.stack !== undefined) out.stack = redactString(value.stack);
    return out;
  }
  if (value instanceof Counts) return { ...value.values };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return `[buffer ${value.length} bytes]`;
  seen.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((v) => redact(v, depth + 1, seen));
  } else if (value instanceof Map) {
    out = redactEntries(value.entries(), depth, seen);
  } else if (value instanceof Set) {
    out = [...value].map((v) => redact(v, depth + 1, seen));
  } else {
    out = redactEntries(Object.entries(value), depth, seen);
  }
  seen.delete(value);
  return out;
}

function redactEntries(entries: Iterable<[unknown, unknown]>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const key = String(k);
    if (v === undefined) continue;
    out[key] = isSecretName(key) ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}

/** Redacts a top-level fields object (same rules as nested objects). */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactEntries(Object.entries(fields), -1, new WeakSet());
}
