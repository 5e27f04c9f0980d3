/**
 * Kong's get_query shape (repeats become arrays, a bare key is `true`, `+` is a space, bad escapes kept as
 * they came), and the keys Object.prototype holds are arguments like any other: before the fix `?constructor=1`
 * came out as ["function Object() { [native code] }", "1"] and `?__proto__=x` vanished, in get_query and in
 * every log record's querystring.
 */
import t from 'tap';
import { parseBody } from '../../src/pdk/body-parse.js';
import { parseQuery } from '../../src/pdk/request-body.js';

const rows: readonly [string, number, Record<string, unknown>][] = [
  ['', 100, {}],
  ['a=1', 100, { a: '1' }],
  ['a=1&a=2&a', 100, { a: ['1', '2', 'true'] }],
  ['flag', 100, { flag: true }],
  ['e=%C3%BC+a&bad=%zz', 100, { e: 'ü a', bad: '%zz' }],
  ['&&a=1&', 100, { a: '1' }],
  ['a=1&b=2&c=3', 2, { a: '1', b: '2' }],
  ['constructor=1', 100, { constructor: '1' }],
  ['__proto__=x', 100, { ['__proto__']: 'x' }],
  ['toString&hasOwnProperty=y&valueOf=1&valueOf=2', 100, { toString: true, hasOwnProperty: 'y', valueOf: ['1', '2'] }],
];

for (const [raw, max, want] of rows) {
  t.test(`?${raw} (max ${max})`, async (t) => {
    const got = parseQuery(raw, max);
    t.same(Object.keys(got), Object.keys(want), 'the keys, in order');
    for (const k of Object.keys(want)) t.same(got[k], want[k], `${k}`);
    t.equal(JSON.stringify(got), JSON.stringify(want), 'the JSON a log record carries');
  });
}

t.test('get_body: form and multipart fields named like Object members', async (t) => {
  const form = parseBody(Buffer.from('constructor=1&__proto__=x'), 'application/x-www-form-urlencoded', 100);
  t.equal(JSON.stringify(form[0]), JSON.stringify({ constructor: '1', ['__proto__']: 'x' }), 'form');
  const part = (name: string, value: string) => `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const raw = Buffer.from(`${part('__proto__', 'x')}${part('constructor', '1')}${part('constructor', '2')}--b--\r\n`);
  const multi = parseBody(raw, 'multipart/form-data; boundary=b', 100);
  t.equal(multi[1], null, 'decoded');
  t.equal(JSON.stringify(multi[0]), JSON.stringify({ ['__proto__']: 'x', constructor: ['1', '2'] }), 'multipart');
});
