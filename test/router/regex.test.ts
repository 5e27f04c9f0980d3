/** Translation of Kong/Rust route regexes to JS (src/router/regex.ts). */
import t from 'tap';
import { compileRegexPath, translateRegex } from '../../src/router/regex.js';

t.test('translations', async (t) => {
  const cases: [re: string, source: string, flags: string][] = [
    ['/users/(?P<id>\\d+)', '/users/(?<id>\\d+)', ''],
    ['/users/(?<id>\\d+)', '/users/(?<id>\\d+)', ''],
    ['/(?:a|b)', '/(?:a|b)', ''],
    ['/(?i)foo', '/foo', 'i'],
    ['(?is)/foo', '/foo', 'is'],
    ['\\A/x\\z', '(?<![\\s\\S])/x(?![\\s\\S])', ''],
    ['/[[:digit:][:lower:]]', '/[0-9a-z]', ''],
    ['/[]a]', '/[\\]a]', ''],
    ['/[^]a]', '/[^\\]a]', ''],
    ['/\\pL+', '/\\p{L}+', 'u'],
    ['/\\p{Lu}\\-\\.[\\-]', '/\\p{Lu}-\\.[\\-]', 'u'],
    ['/\\x{263A}', '/\\u{263A}', 'u'],
    ['/\\x41\\a', '/\\x41\\x07', ''],
    ['/a\\/b', '/a\\/b', ''],
  ];
  for (const [re, source, flags] of cases) t.same(translateRegex(re), { source, flags }, re);
});

t.test('regex paths are anchored at the start only, even with (?m)', async (t) => {
  const re = compileRegexPath('/(?m)a$') as RegExp;
  t.type(re, RegExp);
  const plain = compileRegexPath('/v\\d') as RegExp;
  for (const [r, path, want] of [
    [plain, '/v1/x', '/v1'],
    [plain, '/x/v1', null],
    [re, '/a', '/a'],
  ] as const) {
    r.lastIndex = 0;
    t.equal(r.exec(path)?.[0] ?? null, want, `${r.source} on ${path}`);
  }
  const multi = compileRegexPath('(?m)^/b') as RegExp;
  multi.lastIndex = 0;
  t.equal(multi.exec('/a\n/b'), null, 'a line start inside the path is not the path start');
});
