/**
 * Route regexes (paths `~/…`, header values `~*…`). Kong validates them with PCRE and matches them with Rust's
 * `regex` crate (ATC), so a pattern is accepted here only when it means the same in both and in JS: no
 * look-around, no backreferences, no PCRE-only groups. The few spellings JS lacks are translated
 * (`(?P<n>`, `\A`, `\z`, `\a`, `\x{…}`, `\pL`, `[[:alpha:]]`, a leading `(?i)`); everything is compiled once at load.
 */

export interface CompiledRegex {
  readonly source: string;
  readonly flags: string;
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

// Letter escapes that mean the same in Rust and JS; `A z a x p P` are rewritten below.
const SAME_ESCAPES = new Set('dDwWsSbBntrfv'.split(''));
// Characters JS accepts after `\` in unicode mode (inside a class `-` as well).
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

/** Translates to a JS RegExp source + flags, or returns why the pattern is refused. */
export function translateRegex(re: string): CompiledRegex | string {
  let out = '';
  let flags = '';
  let unicode = false;
  let inClass = false;
  let classStart = false;
  // Escaped punctuation JS's unicode mode refuses: kept as `\c`, unescaped if unicode mode turns out to be needed.
  const literals: number[] = [];
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\') {
      const n = re[i + 1];
      if (n === undefined) return 'pattern ends with a lone backslash';
      i++;
      if (n >= '0' && n <= '9') return 'backreferences are not supported';
      if (n === 'k' || n === 'g') return 'backreferences are not supported';
      if (SAME_ESCAPES.has(n)) out += `\\${n}`;
      else if (n === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (n === 'z' && !inClass) out += '(?![\\s\\S])';
      else if (n === 'a') out += '\\x07';
      else if (n === 'x') {
        if (re[i + 1] === '{') {
          const end = re.indexOf('}', i + 2);
          const hex = end < 0 ? '' : re.slice(i + 2, end);
          if (!/^[0-9A-Fa-f]{1,6}$/.test(hex)) return 'invalid \\x{…} escape';
          out += `\\u{${hex}}`;
          unicode = true;
          i = end;
        } else {
          const hex = re.slice(i + 1, i + 3);
          if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return 'invalid \\x escape';
          out += `\\x${hex}`;
          i += 2;
        }
      } else if (n === 'p' || n === 'P') {
        unicode = true;
        if (re[i + 1] === '{') {
          const end = re.indexOf('}', i + 2);
          if (end < 0) return 'unclosed \\p{…}';
          out += `\\${n}${re.slice(i + 1, end + 1)}`;
          i = end;
        } else {
          const name = re[i + 1];
          if (name === undefined || !/[A-Za-z]/.test(name)) return 'invalid \\p escape';
          out += `\\${n}{${name}}`;
          i++;
        }
      } else if (/[A-Za-z]/.test(n)) {
        return `escape sequence '\\${n}' is not supported`;
      } else {
        if (!JS_SYNTAX.has(n) && !(inClass && n === '-')) literals.push(out.length);
        out += `\\${n}`;
      }
      classStart = false;
      continue;
    }
    if (inClass) {
      if (c === ']' && !classStart) inClass = false;
      else if (c === ']') out += '\\';
      else if (c === '[') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(re.slice(i));
        if (!m) return 'nested character classes are not supported';
        if (m[1] === '^') return 'negated POSIX classes are not supported';
        const range = POSIX_CLASSES[m[2]!];
        if (range === undefined) return `unknown POSIX class '${m[2]}'`;
        out += range;
        i += m[0].length - 1;
        classStart = false;
        continue;
      } else if (c === '^' && classStart && re[i - 1] === '[') {
        out += c;
        continue; // `[^]…]`: the `]` right after `^` is still a literal
      }
      classStart = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      classStart = true;
      out += c;
      continue;
    }
    if (c === '(' && re[i + 1] === '?') {
      const rest = re.slice(i + 2);
      if (/^P?<[A-Za-z_]/.test(rest)) {
        const skip = rest.startsWith('P') ? 1 : 0;
        out += '(?';
        i += 1 + skip;
        continue;
      }
      if (/^(<?[=!])/.test(rest)) return 'look-around assertions are not supported';
      if (rest.startsWith('P=') || rest.startsWith('P>')) return 'backreferences are not supported';
      if (rest.startsWith(':')) {
        out += '(?:';
        i += 2;
        continue;
      }
      const flagGroup = /^([A-Za-z-]+)\)/.exec(rest);
      // A leading flag group is lifted onto the whole RegExp; it must not follow anything flags would change.
      if (flagGroup && /^[ims]+$/.test(flagGroup[1]!) && /^[^A-Za-z.^$\\[(]*$/.test(out)) {
        for (const f of flagGroup[1]!) if (!flags.includes(f)) flags += f;
        i += 1 + flagGroup[0].length;
        continue;
      }
      return 'inline flags are only supported as a leading (?i), (?m) or (?s)';
    }
    out += c;
  }
  if (inClass) return 'unclosed character class';
  if (unicode) {
    // Unicode mode rejects identity escapes of non-syntax characters: write those literally.
    for (let k = literals.length - 1; k >= 0; k--) {
      const at = literals[k]!;
      out = out.slice(0, at) + out.slice(at + 1);
    }
    flags += 'u';
  }
  return { source: out, flags };
}

/** `new RegExp` for a translated pattern, or an error in the shape Kong reports (`invalid regex: …`). */
export function compileRegex(re: string, extraFlags: string, prefix = ''): RegExp | string {
  const t = translateRegex(re);
  if (typeof t === 'string') return `invalid regex: '${re}' (${t})`;
  try {
    return new RegExp(prefix + t.source, t.flags + extraFlags);
  } catch (err) {
    return `invalid regex: '${re}' (${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')})`;
  }
}

/**
 * A regex path, matched from position 0 only (Kong: `http.path ~ "^<re>"`): the sticky flag anchors at
 * lastIndex, which the matcher resets, so a `(?m)` in the pattern cannot turn the anchor into a line start.
 */
export function compileRegexPath(re: string): RegExp | string {
  return compileRegex(re, 'y');
}

/** A `~*` header value: unanchored, the whole pattern lower-cased as Kong does before compiling it. */
export function compileHeaderRegex(re: string): RegExp | string {
  return compileRegex(asciiLower(re), '');
}

/** Lua's string.lower: ASCII letters only. Also per request (case-insensitive regex paths): no copy when already lower. */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  return s;
}
