/**
 * A fast reader for the YAML most kong.yaml files are written in: block mappings and sequences, flow
 * collections on one line, plain, quoted and literal (`|`) scalars, comments. The `yaml` library builds a
 * syntax tree with positions for every node, which costs ~0.8 s for a 1.3 MB file of 10 000 routes; this
 * reads the same file in a few tens of milliseconds and keeps nothing but the value.
 *
 * It gives up (returns null) on anything outside that subset, and the caller parses the text with the `yaml`
 * library as before: anchors, aliases, tags, merge keys, directives, several documents, complex keys,
 * multi-line plain or quoted scalars, folded (`>`) or keep-chomped (`|+`) scalars, flow collections spread over
 * lines, tabs in indentation, duplicate keys, and every text the library would refuse. So the value it returns
 * is the one the library returns, and every error (with its line:column) still comes from the library.
 * Plain scalars are resolved by the library's own YAML 1.1 tags (`yes` is true, `0777` octal), the ones
 * starting with a letter through a table of those tags' words (test/config/yaml-subset.test.ts checks both
 * against the library).
 */
import { Document, isScalar } from 'yaml';

/** The library's YAML 1.1 schema: the tags a plain scalar is resolved by (compose-scalar's findScalarTagByTest). */
const schema = new Document(null, { version: '1.1', merge: true }).schema;
const defaultTags = schema.tags.filter((t) => t.default === true && !t.collection && t.test !== undefined) as {
  test: RegExp;
  resolve: (value: string, onError: (message: string) => void, options: object) => unknown;
}[];
const tagOptions = new Document(null, { version: '1.1' }).options;

/**
 * Of the YAML 1.1 tags, only null and bool match a scalar that starts with a letter other than e: these words.
 * Every other such plain scalar is a string.
 */
const LETTER_WORDS = new Map<string, unknown>([
  ...['null', 'Null', 'NULL'].map((w) => [w, null] as const),
  ...['Y', 'y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((w) => [w, true] as const),
  ...['N', 'n', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((w) => [w, false] as const),
]);

const DECIMAL = /^-?[1-9][0-9]{0,14}$/;

/** Thrown (once per parse) to give the text back to the library. */
class OutsideSubset extends Error {}
const outside = new OutsideSubset();

function bail(): never {
  throw outside;
}

/** A plain scalar's value, as the library's 1.1 schema reads it. */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // (e and E excepted: the float tag reads `e5` as a number, NaN.)
  if (((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) && c !== 69 && c !== 101) {
    const w = LETTER_WORDS.get(s);
    return w === undefined ? s : w;
  }
  if (s === '0') return 0;
  if (DECIMAL.test(s)) return Number(s);
  for (const tag of defaultTags) {
    if (!tag.test.test(s)) continue;
    let failed = false;
    const res = tag.resolve(s, () => (failed = true), tagOptions);
    const value = isScalar(res) ? res.value : res;
    // Dates (timestamps), bigints and anything the tag complains about go to the library.
    if (failed || (value !== null && typeof value === 'object') || typeof value === 'bigint') bail();
    return value;
  }
  return s;
}

/** The document's value, or null when the text is not in the subset (parse it with the library). */
export function parseYamlSubset(text: string): Record<string, unknown> | null {
  try {
    return new Reader(text).document();
  } catch (err) {
    if (err === outside) return null;
    throw err;
  }
}

const SPACE = 32;
// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]|\r(?!\n)/;

/** A mapping key the library stores in a way this reader does not. */
const SPECIAL_KEYS = new Set(['__proto__', '<<']);

class Reader {
  readonly lines: string[];
  /** The current line. */
  i = 0;

  constructor(text: string) {
    // A byte-order mark, control characters and line breaks other than LF and CRLF: the library's.
    if (text.charCodeAt(0) === 0xfeff || UNUSUAL.test(text)) bail();
    this.lines = text.split('\n');
    for (let k = 0; k < this.lines.length; k++) {
      const l = this.lines[k]!;
      if (l.charCodeAt(l.length - 1) === 13) this.lines[k] = l.slice(0, -1);
    }
  }

  document(): Record<string, unknown> {
    this.skip();
    if (this.i >= this.lines.length || this.indent(this.i) !== 0) bail();
    const root = this.mapping(0);
    this.skip();
    if (this.i < this.lines.length) bail();
    return root;
  }

  /** Indentation of a content line; tabs before the content are the library's to judge. */
  indent(k: number): number {
    const l = this.lines[k]!;
    let n = 0;
    while (l.charCodeAt(n) === SPACE) n++;
    if (l.charCodeAt(n) === 9) bail();
    return n;
  }

  /** Moves to the next content line (past blank and comment lines). */
  skip(): void {
    const lines = this.lines;
    for (; this.i < lines.length; this.i++) {
      const l = lines[this.i]!;
      let n = 0;
      while (l.charCodeAt(n) === SPACE) n++;
      if (n === l.length) continue;
      const c = l.charCodeAt(n);
      if (c === 35 /* # */) continue;
      if (c === 9) bail();
      if (n === 0 && (l.startsWith('---') || l.startsWith('...') || c === 37 /* % */)) bail();
      return;
    }
  }

  /** The indentation of the next content line, -1 at the end. */
  nextIndent(): number {
    this.skip();
    return this.i < this.lines.length ? this.indent(this.i) : -1;
  }

  /** A block node whose first line is the current line, at indentation n. */
  block(n: number): unknown {
    const l = this.lines[this.i]!;
    if (isSequenceEntry(l, n)) return this.sequence(n);
    if (keyEnd(l, n) >= 0) return this.mapping(n);
    return bail();
  }

  /** A block mapping at indentation n (the current line is its first entry). */
  mapping(n: number): Record<string, unknown> {
    const into: Record<string, unknown> = {};
    for (;;) {
      const l = this.lines[this.i]!;
      const end = keyEnd(l, n);
      if (end < 0) bail();
      const key = readKey(l, n, end);
      if (Object.hasOwn(into, key)) bail();
      into[key] = this.value(l, end + 1, n, true);
      const next = this.nextIndent();
      if (next < n) return into;
      if (next > n) bail();
    }
  }

  /** A block sequence at indentation n (the current line is its first entry). */
  sequence(n: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const l = this.lines[this.i]!;
      if (!isSequenceEntry(l, n)) return out;
      let j = n + 1;
      while (l.charCodeAt(j) === SPACE) j++;
      if (j >= l.length || l.charCodeAt(j) === 35) {
        // The entry's node is on the following lines.
        this.i++;
        const next = this.nextIndent();
        out.push(next > n ? this.block(next) : null);
      } else if (isSequenceEntry(l, j)) {
        bail();
      } else if (keyEnd(l, j) >= 0) {
        // `- key: value`: a mapping whose indentation is the column of its first key.
        out.push(this.mapping(j));
        const next = this.i < this.lines.length ? this.indent(this.i) : -1;
        if (next > n) bail();
      } else {
        out.push(this.value(l, j, n, false));
      }
      const next = this.nextIndent();
      if (next < n) return out;
      if (next > n) bail();
    }
  }

  /**
   * The value that starts at column `from` of line `l` (after a key's colon or a sequence dash), belonging to a
   * collection at indentation n; leaves the reader on the line after it.
   */
  value(l: string, from: number, n: number, afterKey: boolean): unknown {
    // The caller has checked that a space or the end of the line follows the key's colon or the dash.
    let j = from;
    while (l.charCodeAt(j) === SPACE) j++;
    if (j >= l.length || l.charCodeAt(j) === 35) {
      this.i++;
      const next = this.nextIndent();
      if (next > n) return this.block(next);
      // Kong files often write a mapping's list at the key's own indentation.
      if (afterKey && next === n && isSequenceEntry(this.lines[this.i]!, n)) return this.sequence(n);
      return null;
    }
    const c = l.charCodeAt(j);
    if (c === 124 /* | */) return this.literal(l, j, n);
    let v: unknown;
    let end: number;
    if (c === 91 /* [ */ || c === 123 /* { */) [v, end] = flowNode(l, j);
    else if (c === 34 /* " */) [v, end] = doubleQuoted(l, j);
    else if (c === 39 /* ' */) [v, end] = singleQuoted(l, j);
    else {
      [v, end] = plainBlock(l, j);
    }
    restIsComment(l, end);
    this.i++;
    return v;
  }

  /** A literal block scalar (`|` or `|-`) whose indicator is at column j, in a collection at indentation n. */
  literal(l: string, j: number, n: number): string {
    let k = j + 1;
    let strip = false;
    if (l.charCodeAt(k) === 45 /* - */) {
      strip = true;
      k++;
    }
    restIsComment(l, k);
    const lines = this.lines;
    let at = this.i + 1;
    // The content's indentation is its first non-blank line's.
    let indent = -1;
    for (let m = at; m < lines.length; m++) {
      const s = lines[m]!;
      let w = 0;
      while (s.charCodeAt(w) === SPACE) w++;
      if (w < s.length) {
        indent = w;
        break;
      }
    }
    if (indent <= n) bail();
    const body: string[] = [];
    for (; at < lines.length; at++) {
      const s = lines[at]!;
      let w = 0;
      while (w < indent && s.charCodeAt(w) === SPACE) w++;
      if (w === s.length) {
        body.push('');
        continue;
      }
      if (w < indent) {
        if (s.charCodeAt(w) === 9) bail();
        break;
      }
      const line = s.slice(indent);
      // Lines of only spaces past the content's indentation (or tabs) are the library's to read.
      if (line.trim() === '') bail();
      body.push(line);
    }
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    this.i = at;
    const text = body.join('\n');
    return strip ? text : `${text}\n`;
  }
}

/** Whether line l holds a sequence entry (`-` then a space or the end) at column n. */
function isSequenceEntry(l: string, n: number): boolean {
  if (l.charCodeAt(n) !== 45) return false;
  const next = l.charCodeAt(n + 1);
  return Number.isNaN(next) || next === SPACE;
}

/**
 * Where the colon of a mapping key starting at column n is (-1: the line holds no `key:`). Keys are plain or
 * quoted on one line; a comment before any colon means the line is not a key.
 */
function keyEnd(l: string, n: number): number {
  const c = l.charCodeAt(n);
  if (c === 34 || c === 39) {
    const [, end] = c === 34 ? doubleQuoted(l, n) : singleQuoted(l, n);
    return l.charCodeAt(end) === 58 && isSeparator(l.charCodeAt(end + 1)) ? end : -1;
  }
  if (isIndicator(c)) return -1;
  for (let k = n + 1; k < l.length; k++) {
    const x = l.charCodeAt(k);
    if (x === 58 && isSeparator(l.charCodeAt(k + 1))) return k;
    if (x === 35 && (l.charCodeAt(k - 1) === SPACE || l.charCodeAt(k - 1) === 9)) return -1;
  }
  return -1;
}

function readKey(l: string, n: number, end: number): string {
  const c = l.charCodeAt(n);
  let key: unknown;
  if (c === 34) key = doubleQuoted(l, n)[0];
  else if (c === 39) key = singleQuoted(l, n)[0];
  else key = resolvePlain(l.slice(n, end).trimEnd());
  if (typeof key !== 'string' || SPECIAL_KEYS.has(key)) bail();
  return key;
}

const isSeparator = (c: number) => Number.isNaN(c) || c === SPACE;

/** Characters that start something other than a plain scalar (or that the library reads in ways skipped here). */
function isIndicator(c: number): boolean {
  switch (c) {
    case 45: // - (a plain "-x" is fine, but is decided by the caller)
    case 63: // ?
    case 58: // :
    case 44: // ,
    case 91: // [
    case 93: // ]
    case 123: // {
    case 125: // }
    case 35: // #
    case 38: // &
    case 42: // *
    case 33: // !
    case 124: // |
    case 62: // >
    case 39: // '
    case 34: // "
    case 37: // %
    case 64: // @
    case 96: // `
      return true;
    default:
      return false;
  }
}

/** Only spaces and a comment may follow a value on its line. */
function restIsComment(l: string, k: number): void {
  let m = k;
  while (l.charCodeAt(m) === SPACE) m++;
  if (m === l.length) return;
  if (l.charCodeAt(m) === 35 && (m > k || l.charCodeAt(k - 1) === SPACE)) return;
  bail();
}

/** A plain scalar in block context, from column j to a comment or the end of the line. */
function plainBlock(l: string, j: number): [unknown, number] {
  const c = l.charCodeAt(j);
  // A tab where a separator may stand: the library's.
  if (c === 9) bail();
  if (c === 45) {
    if (isSeparator(l.charCodeAt(j + 1)) || l.charCodeAt(j + 1) === 9) bail();
  } else if (isIndicator(c)) bail();
  let end = l.length;
  for (let k = j + 1; k < l.length; k++) {
    const x = l.charCodeAt(k);
    if (x === 35) {
      const before = l.charCodeAt(k - 1);
      if (before === 9) bail();
      if (before === SPACE) {
        end = k;
        break;
      }
    }
    // `a: b: c` is an error, `key: value:` too: the library says which.
    if (x === 58 && isSeparator(l.charCodeAt(k + 1))) bail();
  }
  const s = l.slice(j, end).trimEnd();
  return [resolvePlain(s), end];
}

/** A flow collection that opens at column j and closes on the same line. */
function flowNode(l: string, j: number): [unknown, number] {
  const open = l.charCodeAt(j);
  const close = open === 91 ? 93 : 125;
  const list: unknown[] = [];
  const map: Record<string, unknown> = {};
  const out = open === 91 ? list : map;
  let k = skipSpaces(l, j + 1);
  if (l.charCodeAt(k) === close) return [out, k + 1];
  for (;;) {
    if (open === 91) {
      let v: unknown;
      [v, k] = flowValue(l, k, false);
      list.push(v);
    } else {
      let key: unknown;
      [key, k] = flowValue(l, k, true);
      if (typeof key !== 'string' || SPECIAL_KEYS.has(key) || Object.hasOwn(map, key)) bail();
      k = skipSpaces(l, k);
      if (l.charCodeAt(k) !== 58) bail();
      let v: unknown;
      [v, k] = flowValue(l, skipSpaces(l, k + 1), false);
      map[key] = v;
    }
    // `,` then the next entry, or the closing bracket; a trailing comma is the library's.
    k = skipSpaces(l, k);
    const c = l.charCodeAt(k);
    if (c === close) return [out, k + 1];
    if (c !== 44) bail();
    k = skipSpaces(l, k + 1);
    if (l.charCodeAt(k) === close) bail();
  }
}

function skipSpaces(l: string, k: number): number {
  while (l.charCodeAt(k) === SPACE) k++;
  return k;
}

/** A value inside a flow collection; with `atKey`, a plain scalar ends at its `: `. */
function flowValue(l: string, k: number, atKey: boolean): [unknown, number] {
  const c = l.charCodeAt(k);
  if (c === 91 || c === 123) return flowNode(l, k);
  if (c === 34) return doubleQuoted(l, k);
  if (c === 39) return singleQuoted(l, k);
  if (Number.isNaN(c) || c === 9 || isIndicator(c)) {
    // A plain `-x` is a scalar; `-` before a space or a flow indicator is not.
    const next = l.charCodeAt(k + 1);
    if (c !== 45 || isSeparator(next) || next === 9 || next === 44 || next === 91 || next === 93 || next === 123 || next === 125) bail();
  }
  let m = k;
  for (; m < l.length; m++) {
    const x = l.charCodeAt(m);
    if (x === 44 || x === 91 || x === 93 || x === 123 || x === 125) break;
    if (x === 58) {
      const after = l.charCodeAt(m + 1);
      if (after === SPACE || after === 44 || after === 93 || after === 125 || Number.isNaN(after)) {
        if (!atKey) bail();
        break;
      }
    }
    if (x === 35 && (l.charCodeAt(m - 1) === SPACE || l.charCodeAt(m - 1) === 9)) bail();
  }
  const s = l.slice(k, m).trimEnd();
  if (s === '') bail();
  return [resolvePlain(s), m];
}

/** A double-quoted scalar opening at column j; it must close on the same line. */
function doubleQuoted(l: string, j: number): [string, number] {
  let out = '';
  let from = j + 1;
  for (let k = from; k < l.length; k++) {
    const c = l.charCodeAt(k);
    if (c === 34) return [out + l.slice(from, k), k + 1];
    if (c !== 92) continue;
    out += l.slice(from, k);
    const e = l[k + 1];
    switch (e) {
      case '\\':
      case '"':
      case '/':
        out += e;
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '0':
        out += '\0';
        break;
      default:
        // \x, \u, \U, line continuations and the rarer escapes: the library's.
        bail();
    }
    k++;
    from = k + 1;
  }
  return bail();
}

/** A single-quoted scalar opening at column j (`''` is a quote); it must close on the same line. */
function singleQuoted(l: string, j: number): [string, number] {
  let out = '';
  let from = j + 1;
  for (let k = from; k < l.length; k++) {
    if (l.charCodeAt(k) !== 39) continue;
    if (l.charCodeAt(k + 1) === 39) {
      out += l.slice(from, k + 1);
      k++;
      from = k + 1;
      continue;
    }
    return [out + l.slice(from, k), k + 1];
  }
  return bail();
}
