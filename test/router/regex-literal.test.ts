/** The literal every match of a regex path starts with (src/router/regex-literal.ts): exact where certain, never more. */
import t from 'tap';
import { asciiLower, compileRegexPath } from '../../src/router/regex.js';
import { regexLiteral } from '../../src/router/regex-literal.js';
import { rng } from './seeded-random.js';

function compiled(path: string): RegExp {
  const re = compileRegexPath(path);
  if (typeof re === 'string') throw new Error(re);
  return re;
}

t.test('literal prefixes', async (t) => {
  // [Kong regex path (without its ~), literal, folded]
  const rows: [string, string, boolean][] = [
    ['/users/\\d+', '/users/', false],
    ['/api/v1/(?<id>\\w+)$', '/api/v1/', false],
    ['/users/1234', '/users/1234', false],
    ['/a$', '/a', false],
    ['/\\.well-known/acme', '/.well-known/acme', false],
    ['/a\\|b', '/a|b', false],
    ['/a-b_c~d', '/a-b_c~d', false],
    // a quantified atom: kept under +, dropped under * ? {…}
    ['/ab+c', '/ab', false],
    ['/ab*c', '/a', false],
    ['/ab?c', '/a', false],
    ['/ab{2}c', '/a', false],
    ['/ab{0,1}', '/a', false],
    ['/ab*?', '/a', false],
    ['/é+x', '/é', false],
    ['/é*x', '/', false],
    ['/😀*x', '/', false],
    ['/😀x', '/😀x', false],
    // classes, groups, dots, escape classes, assertions end the literal
    ['/[ab]c', '/', false],
    ['/(a|b)c', '/', false],
    ['/(?:ab)?c', '/', false],
    ['/x(?<n>y)', '/x', false],
    ['/a.b', '/a', false],
    ['/a\\db', '/a', false],
    ['/a\\bb', '/a', false],
    ['/a\\x41', '/a', false],
    ['/a^b', '/a', false],
    ['/\\pL+', '/', false],
    ['\\A/x', '', false],
    // top-level alternation: what every alternative starts with
    ['/a|/b', '/', false],
    ['/api/a|/api/b', '/api/', false],
    ['/api/x|/apiary', '/api', false],
    ['/a|', '', false],
    ['/(?:a|b)c|/a', '/', false],
    ['/[|]x|/[|]y', '/', false],
    ['/a(b|c)|/ad', '/a', false],
    // case-insensitive: ASCII only, letters folded; with the u flag no letters at all
    ['/(?i)API/x', '/api/x', true],
    ['/(?i)123/x', '/123/x', true],
    ['/(?i)123/', '/123/', false],
    ['/(?i)é', '/', false],
    ['(?i)/Shop', '/shop', true],
    ['/(?i)k\\x{61}', '/', false],
    ['/(?i)1\\pL', '/1', false],
    ['/(?i)ab?', '/a', true],
  ];
  for (const [path, text, folded] of rows) t.same(regexLiteral(compiled(path)), { text, folded }, path);
});

t.test('soundness: every match starts with the literal (random regexes, random paths)', async (t) => {
  const r = rng(1515);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  // Kelvin sign and long s fold to k and s under u+i; É and é only under i.
  const chars = ['/', 'a', 'A', 'b', 'k', 'K', '\u212A', 's', '\u017F', 'é', 'É', '1', '.', '-'];
  const atoms = ['a', 'A', 'b', 'k', 's', 'é', '1', '\\.', '\\-', '\\/', '.', '[ab]', '\\d', '(a|b)', '(?:ab)', '(?<n>k)', '\\x{61}', '\\pL', '😀'];
  const quantifiers = ['', '', '', '*', '+', '?', '{2}', '{0,1}', '*?'];
  const randomRegex = () => {
    const body = () => Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(atoms) + pick(quantifiers)).join('');
    let re = `/${r() < 0.3 ? '(?i)' : ''}${body()}`;
    if (r() < 0.25) re += `|/${body()}`;
    return re;
  };
  let regexes = 0;
  let matches = 0;
  let unsound = 0;
  for (let k = 0; k < 3000; k++) {
    const source = randomRegex();
    const re = compileRegexPath(source);
    if (typeof re === 'string') continue;
    regexes++;
    const literal = regexLiteral(re);
    for (let p = 0; p < 60; p++) {
      const path = `/${Array.from({ length: Math.floor(r() * 6) }, () => pick(chars)).join('')}`;
      re.lastIndex = 0;
      if (!re.test(path)) continue;
      matches++;
      const seen = literal.folded ? asciiLower(path) : path;
      if (!seen.startsWith(literal.text)) {
        unsound++;
        if (unsound < 5) t.fail(`${source} matches ${JSON.stringify(path)} but its literal is ${JSON.stringify(literal)}`);
      }
    }
  }
  t.equal(unsound, 0, `${regexes} regexes, ${matches} matches, each starting with its regex's literal`);
  t.ok(matches > 5000, 'enough matches to be meaningful');
});
