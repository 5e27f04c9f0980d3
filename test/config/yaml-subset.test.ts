/**
 * The subset reader (src/config/yaml-subset.ts) against the `yaml` library it stands in for. Its invariant: when
 * it returns a value, the library reads the same text without error and to the same value; otherwise it returns
 * null and the library reads the text. Attacked by a table of edge cases, by every example file, and by random
 * documents (written by hand-rolled emitters and by the library's own stringify) mutated line by line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import { parseDocument, stringify } from 'yaml';
import { parseConfigText } from '../../src/config/parse.js';
import { parseYamlSubset, resolvePlain } from '../../src/config/yaml-subset.js';
import { rng } from '../router/seeded-random.js';

const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20261202);
const MAX_MS = 8000;

function library(text: string): { ok: boolean; value: unknown } {
  const doc = parseDocument(text, { version: '1.1', merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) return { ok: false, value: undefined };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch {
    return { ok: false, value: undefined };
  }
}

/** The invariant; returns whether the subset read the text (for coverage counts). */
function agrees(text: string): { read: boolean; ok: boolean; why?: string } {
  const fast = parseYamlSubset(text);
  if (fast === null) return { read: false, ok: true };
  const lib = library(text);
  if (!lib.ok) return { read: true, ok: false, why: 'the library refuses the text' };
  if (!isDeepStrictEqual(fast, lib.value)) return { read: true, ok: false, why: `values differ: ${JSON.stringify(fast)} vs ${JSON.stringify(lib.value)}` };
  return { read: true, ok: true };
}

/** A case as one line of ASCII (the TAP stream breaks lines at U+2028 too). */
const show = (text: string) => JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

t.test('edge cases: read as the library reads them, or left to it', async (t) => {
  // 'any': the library's own reading depends on its schema as the process has it (the test runner's YAML
  // reporter changes the 1.1 timestamp tag), so only the agreement is checked.
  const cases: [string, 'read' | 'left' | 'any'][] = [
    ['a: 1\n', 'read'],
    ['a: yes\nb: No\nc: ~\nd: null\ne:\nf: off\ng: y\n', 'read'],
    ['a: 0777\nb: 0x1f\nc: 1_000\nd: 1:30\ne: 1.5e3\nf: .inf\ng: -.inf\nh: .nan\ni: -0\nj: +5\nk: 12345678901234567890\n', 'read'],
    ['a: 2001-12-14\n', 'any'],
    ['a: 127.0.0.1:8080\nb: http://x:80/y?z#w\nc: a#b\nd: x # comment\n', 'read'],
    ['a: "x\\ty\\n\\"q\\" \\\\ \\/"\nb: \'it\'\'s\'\nc: ""\nd: \'\'\n', 'read'],
    ['a: "\\u00e9"\n', 'left'],
    ['a: "one\n  two"\n', 'left'],
    ['a: one\n  two\n', 'left'],
    ['a: [1, "b", c, [d, e], {f: g}]\nb: {x: 1, "y": [2], z: {}}\nc: []\nd: {}\n', 'read'],
    ['a: {"k":1}\n', 'read'],
    ['a: [1, 2,]\n', 'left'],
    ['a: [1,\n  2]\n', 'left'],
    ['a: [a: b]\n', 'left'],
    ['a: {a:b}\n', 'left'],
    ['list:\n- 1\n- two\n-\n- - nested\n', 'left'],
    ['list:\n- 1\n- two\n-\nnext: x\n', 'read'],
    ['list:\n  - name: a\n    tags: [x]\n  - name: b\n    routes:\n    - paths: [/]\n      hosts:\n        - h\n  -\n    name: c\n', 'read'],
    ['a:\n  b:\n    c: 1\n  d: 2\ne: 3\n', 'read'],
    ['a:\n  b: 1\n   c: 2\n', 'left'],
    ['a:\n  - x\n   - y\n', 'left'],
    ['a: 1\na: 2\n', 'left'],
    ['a: {x: 1, x: 2}\n', 'left'],
    ['yes: 1\n', 'left'],
    ['1: x\n', 'left'],
    ['"quoted key": 1\n\'single\': 2\n', 'read'],
    ['a: &x 1\nb: *x\n', 'left'],
    ['base: &b {x: 1}\nc:\n  <<: *b\n', 'left'],
    ['a: !!str 1\n', 'left'],
    ['%YAML 1.1\n---\na: 1\n', 'left'],
    ['---\na: 1\n', 'left'],
    ['a: 1\n---\nb: 2\n', 'left'],
    ['a: 1\n...\n', 'left'],
    ['? a\n: 1\n', 'left'],
    ['a:\tb\n', 'left'],
    ['a:\n\tb: 1\n', 'left'],
    ['a: 1\r\nb:\r\n  - x\r\n', 'read'],
    ['a: 1\rb: 2\n', 'left'],
    ['\ufeffa: 1\n', 'left'],
    ['a: |\n  line one\n    indented\n\n  after blank\n\nb: |-\n  stripped\n  \nc: x\n', 'read'],
    ['a: |\n  x\n\n\n', 'read'],
    ['a: |+\n  kept\n\n', 'left'],
    ['a: >\n  folded\n  text\n', 'left'],
    ['a: |2\n   x\n', 'left'],
    ['a: |\n  x\n     \n  y\n', 'left'],
    ['a: |\nb: 1\n', 'left'],
    ['- a\n- b\n', 'left'],
    ['[a, b]\n', 'left'],
    ['just a scalar\n', 'left'],
    ['a: b: c\n', 'left'],
    ['a: b:\n', 'left'],
    ['a: - b\n', 'left'],
    ['a: -b\nc: -1\nd: -1.5\n', 'read'],
    ['a: @x\n', 'left'],
    ['a: `x\n', 'left'],
    ['a: %x\n', 'left'],
    ['a: x\n# comment\n  # indented comment\nb: y # trailing\nc: "q" # after quote\nd: [1] # after flow\n', 'read'],
    ['a: "q"x\n', 'left'],
    ['a: [1]x\n', 'left'],
    ['a: "q"#x\n', 'left'],
    ['__proto__: 1\n', 'left'],
    ['a: {__proto__: 1}\n', 'left'],
    ['a:  \n  b: 1\n', 'read'],
    ['a:    spaced    \n', 'read'],
    ['  a: 1\n', 'left'],
    ['a: 1\n  \n\nb: 2\n', 'read'],
    ['a: "x\n', 'left'],
    ["a: 'x\n", 'left'],
    ['a: [x\n', 'left'],
    ['a: {x: 1\n', 'left'],
    ['a: {x: }\n', 'left'],
    ['a: [x, [y, {z: [1, {w: "v"}]}]]\n', 'read'],
    ['a: [ -1, -x, - ]\n', 'left'],
    ['a: [ "a" , \'b\' ]\n', 'read'],
    ['a: [x #c]\n', 'left'],
    ['a: x\x00\n', 'left'],
    ['a: \u2028\n', 'left'],
    ['k:\n  - |\n    pem\n    body\n  - x\n', 'read'],
    ['k: |\n  first\n # less indented comment ends it\n', 'read'],
    ['k: |\n    a\n  b\n', 'left'],
  ];
  for (const [text, want] of cases) {
    const got = agrees(text);
    t.ok(got.ok, `${show(text)}: ${got.why ?? ''}`);
    if (want !== 'any') t.equal(got.read ? 'read' : 'left', want, `${show(text)} is ${want}`);
  }
});

t.test('plain scalars resolve as the library resolves them', async (t) => {
  const words = ['y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yEs', 'no', 'true', 'True', 'TRUE', 'tRue', 'false', 'on', 'On', 'ON', 'oN', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', 'nULL', '~', 'Nan', 'NaN', 'inf', 'Infinity', 'e5', 'x1', 'b', 'o', 'ok', 'yess'];
  const numbers = ['0', '00', '-0', '+0', '1', '-1', '+1', '007', '0o7', '08', '0b101', '-0b1', '0x1F', '1_000', '1__0', '1e3', '1E-3', '1.', '.5', '-.5', '1.5', '1_0.5', '1:20', '-1:20:30', '1:20.5', '190:20:30.15', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '12345678901234567', '9007199254740993', '1.2.3', '10.0.0.1', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '1:2:3:4', '0.', '-', '+', '.', '_1', '1_', '0x', '0b'];
  for (const s of [...words, ...numbers]) {
    const text = `v: ${s}\n`;
    const lib = library(text);
    const fast = parseYamlSubset(text);
    if (fast === null) {
      t.pass(`${s}: left to the library`);
      continue;
    }
    t.ok(lib.ok, `${s}: the library reads it`);
    t.ok(isDeepStrictEqual(fast, lib.value), `${s}: ${String(fast.v)} (${typeof fast.v}) = ${String((lib.value as Record<string, unknown>).v)}`);
  }
  // The letter-first shortcut: any word the 1.1 tags would read as null or bool is in its table.
  const r = rng(SEED);
  const letters = 'yYnNeEsSoOtTrRuUfFaAlLl';
  for (let i = 0; i < 3000; i++) {
    let s = letters[Math.floor(r() * 20)]!;
    const len = Math.floor(r() * 5);
    for (let k = 0; k < len; k++) s += letters[Math.floor(r() * letters.length)]!;
    const lib = library(`v: ${s}\n`).value as Record<string, unknown>;
    if (!isDeepStrictEqual(resolvePlain(s), lib.v)) t.fail(`${s}: ${String(resolvePlain(s))} vs ${String(lib.v)}`);
  }
});

t.test('every example file and the default config are read, as the library reads them', async (t) => {
  const root = join(import.meta.dirname, '..', '..');
  const files = [join(root, 'kong.yaml'), ...readdirSync(join(root, 'examples')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(root, 'examples', f))];
  for (const f of files) {
    const got = agrees(readFileSync(f, 'utf8'));
    t.ok(got.read && got.ok, `${f}: ${got.why ?? (got.read ? 'read' : 'left to the library')}`);
  }
});

t.test('random documents, and the same documents mutated line by line', async (t) => {
  const r = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const scalars = ['a', 'x-y', '/p', '~/re/(?<id>\\d+)$', '127.0.0.1:8080', 'http://h:1/p', 'yes', 'off', 'null', '~', '1', '-3', '0777', '0x10', '1.5', '1:30', '.inf', 'a b', 'a #b', 'a#b', 'é', '"', "'", 'k: v', '-', '- x', '[', '{', ',', '*', '&', '!', '|', '>', '%', '@', '`', '?', ':x', 'x:', '', ' ', '\\', '\t', '2001-01-01', 'True', '<<', '__proto__'];
  const keys = ['name', 'paths', 'a', 'b-c', 'yes', '1', '"q"', "'s'", 'x y', '<<', 'k#'];
  const quote = (s: string): string => {
    switch (Math.floor(r() * 4)) {
      case 0:
        return JSON.stringify(s);
      case 1:
        return `'${s.replace(/'/g, "''")}'`;
      default:
        return s;
    }
  };
  function flow(depth: number): string {
    if (depth > 2 || r() < 0.4) return quote(pick(scalars));
    if (r() < 0.5) return `[${Array.from({ length: Math.floor(r() * 4) }, () => flow(depth + 1)).join(pick([', ', ',', ' , ']))}]`;
    return `{${Array.from({ length: Math.floor(r() * 3) }, () => `${pick(keys)}: ${flow(depth + 1)}`).join(', ')}}`;
  }
  function block(indent: number, depth: number): string {
    const pad = ' '.repeat(indent);
    let s = '';
    const n = 1 + Math.floor(r() * 4);
    const seq = depth > 0 && r() < 0.4;
    for (let i = 0; i < n; i++) {
      const head = seq ? `${pad}- ` : `${pad}${pick(keys)}:`;
      const roll = r();
      if (depth < 3 && roll < 0.3) {
        const step = pick([2, 2, 4, 1, 0]);
        s += `${head}\n${block(indent + (seq && step === 0 ? 2 : step), depth + 1)}`;
      } else if (roll < 0.4) {
        s += `${head} |${pick(['', '-', '+', '2'])}\n${pad}  ${pick(scalars)}\n${r() < 0.3 ? '\n' : ''}${pad}  ${pick(scalars)}\n`;
      } else if (roll < 0.6) {
        s += `${head} ${flow(0)}${r() < 0.2 ? ' # c' : ''}\n`;
      } else {
        s += `${head} ${quote(pick(scalars))}${r() < 0.2 ? pick([' # c', '#c', '  ']) : ''}\n`;
      }
      if (r() < 0.1) s += pick(['\n', '# comment\n', `${pad}  # indented\n`]);
    }
    return s;
  }
  const values = (): unknown => {
    const roll = r();
    if (roll < 0.5) return pick([...scalars, 1, -2, 1.5, true, false, null]);
    if (roll < 0.75) return Array.from({ length: Math.floor(r() * 3) }, values);
    return Object.fromEntries(Array.from({ length: Math.floor(r() * 3) }, (_, i) => [`${pick(keys)}${i}`, values()]));
  };
  const started = Date.now();
  let read = 0;
  let cases = 0;
  let failures = 0;
  while (Date.now() - started < MAX_MS && cases < 6000) {
    let text: string;
    if (r() < 0.5) text = block(0, 0);
    else {
      const doc = { _format_version: '3.0', services: [values(), values()], x: values() };
      text = stringify(doc, { version: '1.1', collectionStyle: pick(['any', 'block', 'flow'] as const), defaultStringType: pick(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL'] as const), indentSeq: r() < 0.5 });
    }
    const lines = text.split('\n');
    if (r() < 0.4 && lines.length > 1) {
      // A line dropped, doubled, indented or cut: what a save halfway through an edit looks like.
      const k = Math.floor(r() * lines.length);
      const edit = Math.floor(r() * 4);
      if (edit === 0) lines.splice(k, 1);
      else if (edit === 1) lines.splice(k, 0, lines[k]!);
      else if (edit === 2) lines[k] = ` ${lines[k]!}`;
      else lines[k] = lines[k]!.slice(0, Math.floor(r() * lines[k]!.length));
      text = lines.join('\n');
    }
    cases++;
    const got = agrees(text);
    if (got.read) read++;
    if (!got.ok && failures++ < 5) t.fail(`seed ${SEED} case ${cases}: ${got.why}\n${show(text)}`);
  }
  t.equal(failures, 0, `${cases} documents, ${read} read by the subset, none read otherwise than the library reads it`);
  t.ok(read > cases / 10, 'the subset reads a fair share of them');
});

t.test('an error in a file the subset reads still has its line and column (from the library)', async (t) => {
  const text = '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://x\n    routes:\n      - paths: [/a]\n';
  const parsed = parseConfigText(text, 'kong.yaml');
  t.ok(parsed.ok);
  if (!parsed.ok) return;
  t.same(parsed.parsed.locate(['services', 0, 'routes', 0, 'paths', 0]), { line: 6, column: 17 });
  t.same(parsed.parsed.locate(['services', 0, 'url'], true), { line: 4, column: 5 });
});
