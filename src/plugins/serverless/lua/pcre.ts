/**
 * ngx.re's PCRE patterns and option letters as JS RegExps. JS has most of PCRE (look-around, backreferences,
 * named groups, lazy quantifiers); the spellings it lacks are rewritten — `(?P<n>…)`, `(?P=n)`, `\A`, `\z`,
 * `\Z`, `\h`, `\Q…\E`, POSIX classes, leading inline flags — and what it cannot express (atomic groups,
 * possessive quantifiers, recursion, `\G`) is refused with an error, as ngx.re reports a bad pattern: `nil, err`.
 * Compiled patterns are kept per (pattern, options), bounded, as ngx.re's `o` option caches them.
 */

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

export interface NgxRegex {
  readonly re: RegExp;
  /** ngx.re's `a` option: the match must start at the search position. */
  readonly anchored: boolean;
}

const MAX_CACHED = 1024;

/** One cache per engine: patterns come from configuration, so they are few; the bound keeps a dynamic one harmless. */
export class RegexCache {
  readonly #cache = new Map<string, NgxRegex | string>();

  /** The compiled pattern, or the reason it is refused. */
  get(pattern: string, options: string): NgxRegex | string {
    const key = `${options}/${pattern}`;
    let hit = this.#cache.get(key);
    if (hit === undefined) {
      hit = compile(pattern, options);
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      this.#cache.set(key, hit);
    }
    return hit;
  }
}

function compile(pattern: string, options: string): NgxRegex | string {
  let flags = 'g';
  let extended = false;
  let anchored = false;
  for (const o of options) {
    if (o === 'i') flags += 'i';
    else if (o === 'm') flags += 'm';
    else if (o === 's') flags += 's';
    else if (o === 'u' || o === 'U') flags += 'u';
    else if (o === 'x') extended = true;
    else if (o === 'a') anchored = true;
    else if (!'ojJdD'.includes(o)) return `unknown flag "${o}" (flags "${options}")`;
  }
  let src = pattern;
  // Leading inline flags, PCRE's (?i) (?s) (?m) (?x) and combinations.
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) {
      if (f === 'x') extended = true;
      else if (!flags.includes(f)) flags += f;
    }
    src = src.slice(inline[0].length);
  }
  const translated = translate(src, extended);
  if (translated.startsWith('!')) return `pcre_compile() failed: ${translated.slice(1)} in "${pattern}"`;
  try {
    return { re: new RegExp(translated, flags), anchored };
  } catch (err) {
    return `pcre_compile() failed: ${(err as Error).message} in "${pattern}"`;
  }
}

/** The JS source for a PCRE source, or "!reason". */
function translate(src: string, extended: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      i++;
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 1);
        const lit = src.slice(i + 1, end < 0 ? src.length : end);
        out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
      } else if (n === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (n === 'z' && !inClass) out += '(?![\\s\\S])';
      else if (n === 'Z' && !inClass) out += '(?=\\n?(?![\\s\\S]))';
      else if (n === 'h') out += inClass ? ' \\t' : '[ \\t]';
      else if (n === 'H' && !inClass) out += '[^ \\t]';
      else if (n === 'G') return '!\\G is not supported';
      else if (n === 'E') continue;
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end < 0 ? '' : src.slice(i + 2, end);
        const negated = name.startsWith('^');
        const cls = POSIX[negated ? name.slice(1) : name];
        if (cls === undefined) return `!unknown POSIX class name [:${name}:]`;
        if (negated) return '!negated POSIX classes are not supported';
        out += cls;
        i = end + 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (extended) {
      if (/\s/.test(c)) continue;
      if (c === '#') {
        const nl = src.indexOf('\n', i);
        i = nl < 0 ? src.length : nl;
        continue;
      }
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += `\\${src[++i]}`;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      const ref = /^P=(\w+)\)/.exec(rest);
      if (ref) {
        out += `\\k<${ref[1]}>`;
        i += 2 + ref[0].length - 1;
        continue;
      }
      if (rest.startsWith('>')) return '!atomic groups are not supported';
      if (rest.startsWith('R') || rest.startsWith('P>') || /^[+-]?\d/.test(rest)) return '!recursion is not supported';
      if (rest.startsWith('#')) {
        const end = src.indexOf(')', i);
        i = end < 0 ? src.length : end;
        continue;
      }
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && src[i + 1] === '+') return '!possessive quantifiers are not supported';
    out += c;
  }
  return out;
}

/** One search from `init` (1-based byte position): [from, to] 1-based inclusive and the captures, or null. */
export interface NgxMatch {
  readonly from: number;
  readonly to: number;
  /** 0: the whole match; 1…n: groups (false when a group did not take part); names too. */
  readonly captures: Map<number | string, string | false>;
}

export function execAt(rx: NgxRegex, subject: string, init: number): NgxMatch | null {
  const ascii = isAscii(subject);
  const start = ascii ? init - 1 : charIndex(subject, init - 1);
  if (start > subject.length) return null;
  rx.re.lastIndex = start;
  const m = rx.re.exec(subject);
  if (m === null || (rx.anchored && m.index !== start)) return null;
  const captures = new Map<number | string, string | false>();
  for (let i = 0; i < m.length; i++) captures.set(i, m[i] ?? false);
  if (m.groups) for (const [k, v] of Object.entries(m.groups)) captures.set(k, v ?? false);
  const from = ascii ? m.index : Buffer.byteLength(subject.slice(0, m.index));
  const len = ascii ? m[0].length : Buffer.byteLength(m[0]);
  return { from: from + 1, to: from + len, captures };
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The character index of a UTF-8 byte offset. */
function charIndex(s: string, bytes: number): number {
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    if (b >= bytes) return i;
    const c = s.codePointAt(i)!;
    b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (c >= 0x10000) i++;
  }
  return s.length;
}
