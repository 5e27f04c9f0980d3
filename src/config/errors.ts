import type { ConfigError } from './types.js';

/** `file:line:col: path: message (hint)` — the one line format the CLI and the reload log use. */
export function formatError(file: string, e: ConfigError): string {
  const where = e.line !== undefined ? `${file}:${e.line}:${e.column ?? 1}` : file;
  const path = e.path ? `${e.path}: ` : '';
  const hint = e.hint ? ` (${e.hint})` : '';
  return `${where}: ${path}${e.message}${hint}`;
}

/** The error as it may leave the process through logs or the Admin API: secrets replaced, nothing else kept. */
export function redactedError(e: ConfigError): ConfigError {
  const { redacted, ...plain } = e;
  if (redacted === undefined) return plain;
  const { hint: _hint, ...rest } = plain;
  return { ...rest, message: redacted.message, ...(redacted.hint !== undefined ? { hint: redacted.hint } : {}) };
}

/** Entity path segments → `services[0].routes[1].paths[0]`. */
export function joinPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Closest candidate by edit distance, for "did you mean" hints; null when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDist = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
