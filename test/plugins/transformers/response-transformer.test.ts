// response-transformer (OSS): Kong's body and header rules, table-driven over the pure transforms.
import t from 'tap';
import { configJsonValue } from '../../../src/plugins/transform/json-value.js';
import { isJsonContentType } from '../../../src/plugins/transform/content-type.js';
import { compileStatusFilter } from '../../../src/plugins/transform/status-filter.js';
import { splitColonPair } from '../../../src/plugins/transform/colon-pair.js';
import { respond, type Headers } from './respond.js';

type Config = Parameters<typeof respond>[0];

const bodyCases: [name: string, config: Config, upstream: unknown, proxied: unknown][] = [
  [
    'add with json_types',
    {
      add: {
        json: ['p1:v1', 'p3:value:3', 'p4:"v1"', 'p5:-1', 'p6:false', 'p7:true'],
        json_types: ['string', 'string', 'string', 'number', 'boolean', 'boolean'],
      },
    },
    { p2: 'v1' },
    { p2: 'v1', p1: 'v1', p3: 'value:3', p4: '"v1"', p5: -1, p6: false, p7: true },
  ],
  ['add keeps an existing value', { add: { json: ['p2:new'] } }, { p2: -1 }, { p2: -1 }],
  ['add treats false as unset (Lua truthiness)', { add: { json: ['p2:new'] } }, { p2: false }, { p2: 'new' }],
  ['add keeps empty arrays', { add: { json: ['p1:v1'] } }, { a: [] }, { a: [], p1: 'v1' }],
  [
    'append: new keys become one-element arrays',
    { append: { json: ['p1:v1', 'p4:-1', 'p5:false'], json_types: ['string', 'number', 'boolean'] } },
    { p2: 'v1' },
    { p2: 'v1', p1: ['v1'], p4: [-1], p5: [false] },
  ],
  ['append to a string makes a pair', { append: { json: ['p1:v1'] } }, { p1: 'v2' }, { p1: ['v2', 'v1'] }],
  ['append to an array grows it', { append: { json: ['p1:v1'] } }, { p1: ['a'] }, { p1: ['a', 'v1'] }],
  ['append to a number keeps both', { append: { json: ['p1:v1'] } }, { p1: 7 }, { p1: [7, 'v1'] }],
  ['remove', { remove: { json: ['p1', 'p2'] } }, { p1: 'v1', p2: 'v1', a: [] }, { a: [] }],
  [
    'rename',
    { rename: { json: ['p1:k1', 'p2:k2', 'p3:k3', 'p4:k4', 'p5:k5'] } },
    { p1: 'v1', p2: 'v2', p3: [], p4: false, p5: true },
    { k1: 'v1', k2: 'v2', k3: [], k4: false, k5: true },
  ],
  [
    'replace only present values, with types',
    { replace: { json: ['p1:v2', 'p2:"v2"', 'p3:-1', 'p4:false', 'p5:true'], json_types: ['string', 'string', 'number', 'boolean', 'boolean'] } },
    { p1: 'v1', p3: 'v1', p5: 'v5' },
    { p1: 'v2', p3: -1, p5: true },
  ],
  ['replace does not touch false (Lua truthiness)', { replace: { json: ['p1:x'] } }, { p1: false }, { p1: false }],
  ['replace does touch null', { replace: { json: ['p1:x'] } }, { p1: null }, { p1: 'x' }],
  ['a number type that does not parse skips the entry', { add: { json: ['p1:abc'], json_types: ['number'] } }, {}, {}],
  ['dots are part of the name in the OSS plugin', { remove: { json: ['a.b'] } }, { 'a.b': 1, a: { b: 2 } }, { a: { b: 2 } }],
  ['"constructor" is not mistaken for a present key', { add: { json: ['constructor:x'] } }, {}, { constructor: 'x' }],
];

for (const [name, config, upstream, proxied] of bodyCases) {
  t.test(`body: ${name}`, async (t) => {
    t.strictSame(respond(config, 'basic', { body: upstream }).body, proxied);
  });
}

const headerCases: [name: string, config: Config, upstream: Headers, proxied: Headers][] = [
  ['remove drops the whole header even with a value', { remove: { headers: ['h1:v1', 'H2'] } }, { h1: 'v1,v2', h2: 'x', h3: 'y' }, { h3: 'y' }],
  ['rename', { rename: { headers: ['h1:h-new'] } }, { h1: ['a', 'b'] }, { 'h-new': ['a', 'b'] }],
  ['rename to the same name in other case keeps it', { rename: { headers: ['h1:H1'] } }, { h1: 'a' }, { h1: 'a' }],
  ['replace only when set', { replace: { headers: ['h1:new', 'h2:new'] } }, { h1: 'old' }, { h1: 'new' }],
  ['add only when absent', { add: { headers: ['h1:new', 'h2:new'] } }, { h1: 'old' }, { h1: 'old', h2: 'new' }],
  ['append adds a line', { append: { headers: ['h1:new', 'h2:new'] } }, { h1: 'old' }, { h1: ['old', 'new'], h2: 'new' }],
  ['entries without a value are skipped', { add: { headers: ['h1:'] }, replace: { headers: ['h2:'] } }, { h2: 'x' }, { h2: 'x' }],
  [
    'order: remove, rename, replace, add, append',
    {
      remove: { headers: ['a'] },
      rename: { headers: ['b:a'] },
      replace: { headers: ['a:replaced'] },
      add: { headers: ['a:added', 'c:added'] },
      append: { headers: ['c:appended'] },
    },
    { a: '1', b: '2' },
    { a: 'replaced', c: ['added', 'appended'] },
  ],
  // Header names Object.prototype holds are headers like any other: before, `add` saw `constructor` present.
  ['prototype names', { add: { headers: ['constructor:x'] }, replace: { headers: ['tostring:y'] }, rename: { headers: ['__proto__:kept'] } }, { ['__proto__']: 'p' }, { kept: 'p', constructor: 'x' }],
];

for (const [name, config, upstream, proxied] of headerCases) {
  t.test(`headers: ${name}`, async (t) => {
    t.strictSame(respond(config, 'basic', { headers: upstream }).headers, proxied);
  });
}

t.test('config values are JSON-escaped the way Kong does it', async (t) => {
  const cases: [raw: string, type: 'string' | 'number' | 'boolean' | undefined, want: unknown][] = [
    ['v1', undefined, 'v1'],
    ['"quoted"', 'string', '"quoted"'],
    ['a/b', undefined, 'a/b'],
    ['back\\slash', undefined, 'back\\\\slash'],
    ['-1', 'number', -1],
    ['1.5e3', 'number', 1500],
    ['0x10', 'number', 16],
    ['one', 'number', undefined],
    ['true', 'boolean', true],
    ['yes', 'boolean', false],
  ];
  for (const [raw, type, want] of cases) t.strictSame(configJsonValue(raw, type), want, `${raw} as ${type}`);
});

t.test('JSON content types (Kong mime_type.includes)', async (t) => {
  const cases: [string | null, boolean][] = [
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['application/problem+json', true],
    ['text/plain, application/json', true],
    ['application/jsonp', false],
    ['text/json', false],
    ['text/html', false],
    [null, false],
  ];
  for (const [ct, want] of cases) t.equal(isJsonContentType(ct), want, String(ct));
});

t.test('status filters', async (t) => {
  const f = compileStatusFilter(['200-204', '418', ' 500 - 599 ']);
  const cases: [number, boolean][] = [
    [199, false],
    [200, true],
    [204, true],
    [205, false],
    [418, true],
    [503, true],
    [600, false],
  ];
  for (const [s, want] of cases) t.equal(f(s), want, String(s));
  t.equal(compileStatusFilter([])(123), true, 'empty means every status');
  t.equal(compileStatusFilter(null)(123), true, 'null means every status');
});

t.test('colon pairs split as Kong does', async (t) => {
  t.strictSame(splitColonPair('p3:value:3'), { name: 'p3', value: 'value:3' });
  t.strictSame(splitColonPair('h2://status/$/'), { name: 'h2', value: '//status/$/' });
  t.strictSame(splitColonPair('a::b'), { name: 'a', value: 'b' });
  t.strictSame(splitColonPair('name'), { name: 'name', value: null });
  t.strictSame(splitColonPair('name:'), { name: 'name', value: null });
});
