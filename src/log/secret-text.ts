/**
 * Cuts known secret values out of free text (config error messages bound for logs and the Admin API). A
 * message may quote a secret whole (`key set to '…'`) or only part of it: a library message that shows a
 * window of its input (JSON.parse), a value split before it was checked (`name:value` pairs). So every run of
 * MIN_FRAGMENT or more characters copied from a secret is replaced, and a shorter secret wherever it stands
 * alone (not inside a longer word, so a one-letter secret does not shred the message).
 */
import { REDACTED } from './redact.js';

const MIN_FRAGMENT = 8;

export type Scrub = (text: string) => string;

export function secretScrubber(secrets: Iterable<string>): Scrub {
  const short = new Set<string>();
  // Every MIN_FRAGMENT-long piece of every longer secret, with the secrets it occurs in.
  const pieces = new Map<string, string[]>();
  for (const s of secrets) {
    if (s.length === 0) continue;
    if (s.length < MIN_FRAGMENT) {
      short.add(s);
      continue;
    }
    for (let i = 0; i + MIN_FRAGMENT <= s.length; i++) {
      const piece = s.slice(i, i + MIN_FRAGMENT);
      const list = pieces.get(piece);
      if (list === undefined) pieces.set(piece, [s]);
      else if (list.at(-1) !== s) list.push(s);
    }
  }
  if (short.size === 0 && pieces.size === 0) return (text) => text;
  return (text) => {
    const hidden = new Uint8Array(text.length);
    let any = false;
    for (let i = 0; i + MIN_FRAGMENT <= text.length; i++) {
      const owners = pieces.get(text.slice(i, i + MIN_FRAGMENT));
      if (owners === undefined) continue;
      const end = i + longestCopy(text, i, owners);
      hidden.fill(1, i, end);
      any = true;
    }
    for (const s of short) {
      for (let at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) {
        if (standsAlone(text, at, s)) {
          hidden.fill(1, at, at + s.length);
          any = true;
        }
      }
    }
    if (!any) return text;
    let out = '';
    for (let i = 0; i < text.length; ) {
      if (hidden[i] === 0) {
        out += text[i++];
        continue;
      }
      while (i < text.length && hidden[i] === 1) i++;
      out += REDACTED;
    }
    return out;
  };
}

/** How many characters from `at` in `text` appear, in one piece, in one of the secrets. */
function longestCopy(text: string, at: number, secrets: readonly string[]): number {
  let best = MIN_FRAGMENT;
  const start = text.slice(at, at + MIN_FRAGMENT);
  for (const s of secrets) {
    for (let from = s.indexOf(start); from >= 0; from = s.indexOf(start, from + 1)) {
      let n = MIN_FRAGMENT;
      while (at + n < text.length && from + n < s.length && text[at + n] === s[from + n]) n++;
      if (n > best) best = n;
    }
  }
  return best;
}

const WORD = /[A-Za-z0-9]/;

/** Not glued to a letter or digit on a side where the secret itself ends in one. */
function standsAlone(text: string, at: number, secret: string): boolean {
  const before = text[at - 1];
  const after = text[at + secret.length];
  const openStart = before === undefined || !WORD.test(secret[0]!) || !WORD.test(before);
  const openEnd = after === undefined || !WORD.test(secret.at(-1)!) || !WORD.test(after);
  return openStart && openEnd;
}
