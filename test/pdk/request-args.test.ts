/**
 * The bags the PDK builds from request data: get_query's shape (repeats become arrays, a bare key is `true`,
 * `+` is a space, bad escapes kept as they came), get_body's form and multipart fields, get_headers. Names that
 * Object.prototype holds are data like any other: before, `?constructor=1` came out as
 * ["function Object() { [native code] }", "1"] and `__proto__` vanished, in get_query and every log record.
 */
import t from 'tap';
import { parseBody } from '../../src/pdk/body-parse.js';
import { getHeaders } from '../../src/pdk/headers.js';
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

t.test('get_headers: a header named __proto__ is a header', async (t) => {
  const bag = Object.assign(Object.create(null) as Record<string, string>, { ['__proto__']: 'p', constructor: 'c' });
  const got = getHeaders(bag);
  t.equal(JSON.stringify(got), '{"__proto__":"p","constructor":"c"}');
});
