/**
 * The text every match of a compiled path regex starts with. Kong anchors regex paths at the start of the path
 * (`http.path ~ "^<re>"`; here the sticky flag), so a path can only match when it begins with that text, and the
 * index tests a regex only on paths that do. Read from the RegExp that actually runs (its JS source and flags,
 * after translation), and conservatively: whatever is not certain ends the literal, and a regex without a certain
 * literal gets '' — the bucket every request tests.
 */

export interface RegexLiteral {
  /** Every match starts with this text (ASCII-lower-cased when `folded`). */
  readonly text: string;
  /** The regex is case-insensitive: compare `text` with the ASCII-lower-cased path. */
  readonly folded: boolean;
}

const NONE: RegexLiteral = { text: '', folded: false };

/** ASCII punctuation: after `\` it stands for itself in JS, with or without the u flag. */
const isAsciiPunctuation = (c: number) => (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
const isAsciiLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
// Characters that are syntax outside a class (`]` and `}` too: literal only in legacy mode, so not trusted).
const SYNTAX = new Set('^$.|?*+()[]{}\\'.split('').map((c) => c.charCodeAt(0)));

export function regexLiteral(re: RegExp): RegexLiteral {
  const flags = re.flags;
  const caseless = flags.includes('i');
  // With u (or v) and i, JS folds by Unicode simple case folding: the Kelvin sign matches k, ſ matches s.
  const unicode = flags.includes('u') || flags.includes('v');
  let common: string | null = null;
  // A match is a match of one top-level alternative: what they all start with.
  for (const alternative of topLevelAlternatives(re.source)) {
    const text = leadingLiteral(alternative, caseless, unicode);
    common = common === null ? text : commonPrefix(common, text);
    if (common === '') return NONE;
  }
  if (common === null || common === '') return NONE;
  // A caseless literal without letters reads the same in either case: no folding needed.
  return { text: common, folded: caseless && /[a-z]/.test(common) };
}

/** The source split at `|` outside groups and classes. */
function topLevelAlternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/**
 * The literal atoms at the start of one alternative, each certain to appear once: an atom under `*`, `?` or `{…}`
 * is dropped and ends the literal, one under `+` is kept and ends it; a class, group, escape class, assertion or
 * `.` ends it. Caseless: only ASCII (whose case JS folds to ASCII only), letters lower-cased, and with the u flag
 * no letters at all.
 */
function leadingLiteral(source: string, caseless: boolean, unicode: boolean): string {
  let out = '';
  for (let i = 0; i < source.length; ) {
    let c = source.charCodeAt(i);
    let length = 1;
    if (c === 0x5c /* \ */) {
      c = source.charCodeAt(i + 1);
      if (!isAsciiPunctuation(c)) break; // \d \w \b \1 \x.. \u.. \p{..}: not one certain character
      length = 2;
    } else if (SYNTAX.has(c)) break;
    let atom = String.fromCharCode(c);
    if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair is one atom (with the u flag a quantifier takes both halves).
      const low = source.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) break;
      atom = source.slice(i, i + 2);
      length = 2;
    }
    if (caseless) {
      if (c >= 0x80 || (unicode && isAsciiLetter(c))) break;
      atom = atom.toLowerCase();
    }
    const next = source[i + length];
    if (next === '*' || next === '?' || next === '{') break;
    out += atom;
    if (next === '+') break;
    i += length;
  }
  return out;
}

function commonPrefix(a: string, b: string): string {
  let k = 0;
  while (k < a.length && k < b.length && a.charCodeAt(k) === b.charCodeAt(k)) k++;
  return a.slice(0, k);
}
