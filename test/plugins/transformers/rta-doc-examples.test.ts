// Every example of the response-transformer-advanced documentation (shared/seeds), as cases against the pure
// transforms. Where the doc's tables contradict its own config (typos), the comment says so and the case
// follows the documented semantics.
import t from 'tap';
import { respond, type Headers } from './respond.js';

type Config = Parameters<typeof respond>[0];
interface HeaderCase {
  readonly name: string;
  readonly config: Config;
  readonly rows: readonly [upstream: Headers, proxied: Headers][];
}

const headerCases: HeaderCase[] = [
  {
    name: 'add multiple headers, one pair per entry',
    config: { add: { headers: ['h1:v1', 'h2:v1'] } },
    rows: [[{ h1: 'v1' }, { h1: 'v1', h2: 'v1' }]],
  },
  {
    // The Admin API splits `h1:v1,h2:v2` into two entries; a declarative file lists them. The doc's table
    // shows h2: v1, which the config cannot produce.
    name: 'add multiple headers, comma-separated pairs',
    config: { add: { headers: ['h1:v1', 'h2:v2'] } },
    rows: [[{ h1: 'v1' }, { h1: 'v1', h2: 'v2' }]],
  },
  {
    name: 'add multiple headers, config as JSON (an existing header is kept)',
    config: { add: { headers: ['h1:v2', 'h2:v1'] } },
    rows: [[{ h1: 'v1' }, { h1: 'v1', h2: 'v1' }]],
  },
  {
    // The doc's table adds an h2 the config never names; add.headers only holds h1:v1.
    name: 'add a body property and a header: headers',
    config: { add: { headers: ['h1:v1'], json: ['p1:v1', 'p2:v2'] } },
    rows: [
      [{ h1: 'v2' }, { h1: 'v2' }],
      [{ h3: 'v1' }, { h3: 'v1', h1: 'v1' }],
    ],
  },
  {
    name: 'append multiple headers and remove a body property: headers',
    config: { append: { headers: ['h1:v2', 'h2:v1'] }, remove: { json: ['p1'] } },
    rows: [[{ h1: 'v1' }, { h1: ['v1', 'v2'], h2: 'v1' }]],
  },
  {
    // Form input `h1, h2` arrives as "h1" and " h2".
    name: 'remove the entire header field with a given name',
    config: { remove: { headers: ['h1', ' h2'] } },
    rows: [
      [{ h1: 'v1,v2,v3' }, {}],
      [{ h2: 'v2' }, {}],
    ],
  },
  {
    name: 'remove a specific header value of a given header field',
    config: { remove: { headers: ['h1:v1', ' h1:v2'] } },
    rows: [[{ h1: 'v1,v2,v3' }, { h1: 'v3' }]],
  },
  {
    name: 'remove a specific header value from a comma-separated list of values',
    config: { remove: { headers: ['h1:v1', ' h1:v2'] } },
    rows: [
      [{ h1: 'v1,v2,v3' }, { h1: 'v3' }],
      [{ h1: 'v1, v2, v3' }, { h1: 'v3' }],
      // The same field sent as several lines is the same list (RFC 7230 §3.2.2).
      [{ h1: ['v1', 'v2', 'v3'] }, { h1: 'v3' }],
      // Not comma-separated: one value "v1 v2", which is neither v1 nor v2.
      [{ h1: 'v1 v2' }, { h1: 'v1 v2' }],
    ],
  },
  {
    name: 'remove a specific header value defined by a regular expression',
    config: { remove: { headers: ['h1:/JSESSIONID=.*/', ' h2://status/$/'] } },
    rows: [
      [{ h1: 'JSESSIONID=1876832,path=/' }, { h1: 'path=/' }],
      [{ h2: '/match/status/,/status/no-match/' }, { h2: '/status/no-match/' }],
    ],
  },
  {
    name: 'the configuration example (remove/add/append headers)',
    config: {
      remove: {
        headers: [
          'x-toremove',
          'x-another-one:application/json',
          'x-list-of-values:v1,v2,v3',
          'Set-Cookie:/JSESSIONID=.*/',
          'x-another-regex://status/$/',
          'x-one-more-regex:/^/begin//',
        ],
      },
      add: { headers: ['x-new-header:value', 'x-another-header:something'] },
      append: { headers: ['x-existing-header:some_value', 'x-another-header:some_value'] },
    },
    rows: [
      [
        {
          'x-toremove': 'gone',
          'x-another-one': 'application/json,text/plain',
          'x-list-of-values': 'v1,v2,v3,v4',
          // Set-Cookie values hold commas (Expires), so each line is one value.
          'set-cookie': ['JSESSIONID=abc; Path=/', 'theme=dark; Expires=Wed, 21 Oct 2015 07:28:00 GMT'],
          'x-another-regex': '/a/status/,/b/',
          'x-one-more-regex': '/begin/x,/other',
          'x-existing-header': 'old',
        },
        {
          'x-another-one': 'text/plain',
          'x-list-of-values': 'v4',
          'set-cookie': 'theme=dark; Expires=Wed, 21 Oct 2015 07:28:00 GMT',
          'x-another-regex': '/b/',
          'x-one-more-regex': '/other',
          'x-existing-header': ['old', 'some_value'],
          'x-new-header': 'value',
          'x-another-header': ['something', 'some_value'],
        },
      ],
    ],
  },
];

for (const c of headerCases) {
  t.test(c.name, async (t) => {
    for (const [upstream, proxied] of c.rows) {
      t.strictSame(respond(c.config, 'advanced', { headers: upstream }).headers, proxied, JSON.stringify(upstream));
    }
  });
}

interface BodyCase {
  readonly name: string;
  readonly config: Config;
  readonly status?: number;
  readonly contentType?: string;
  readonly rows: readonly [upstream: unknown, proxied: unknown][];
}

const bodyCases: BodyCase[] = [
  {
    // The doc writes `p1:v1,p2=v2`; `p2=v2` has no colon and is refused by the schema (see schemas.test.ts).
    name: 'add a body property and a header: body',
    config: { add: { headers: ['h1:v1'], json: ['p1:v1', 'p2:v2'] } },
    rows: [
      [{}, { p1: 'v1', p2: 'v2' }],
      [{ p1: 'v2' }, { p1: 'v2', p2: 'v2' }],
    ],
  },
  {
    // The doc's second row ends with p2 "v2"; removing p1 leaves p2 as it was ("v1").
    name: 'append multiple headers and remove a body property: body',
    config: { append: { headers: ['h1:v2', 'h2:v1'] }, remove: { json: ['p1'] } },
    rows: [
      [{ p2: 'v2' }, { p2: 'v2' }],
      [{ p1: 'v1', p2: 'v1' }, { p2: 'v1' }],
    ],
  },
  {
    name: 'replace the entire body when the status is 500',
    config: { replace: { body: '{"error": "internal server error"}', if_status: ['500'] } },
    status: 500,
    rows: [[{ anything: 1 }, { error: 'internal server error' }]],
  },
  {
    name: 'replace.body ignores the content type',
    config: { replace: { body: '{"error": "internal server error"}', if_status: ['500'] } },
    status: 500,
    contentType: 'text/html',
    rows: [['<h1>boom</h1>', { error: 'internal server error' }]],
  },
  {
    name: 'replace.body leaves other statuses alone',
    config: { replace: { body: '{"error": "internal server error"}', if_status: ['500'] } },
    status: 200,
    rows: [[{ ok: true }, { ok: true }]],
  },
  {
    name: 'arbitrary transform function (JavaScript) at status 200',
    config: {
      transform: {
        functions: [
          `function (data) {
             if (typeof data !== 'object' || data === null) return data;
             delete data.foo;
             data.foobar = 'hello world';
             return data;
           }`,
        ],
        if_status: ['200'],
      },
    },
    rows: [
      [{ foo: 'something', something: 'else' }, { something: 'else', foobar: 'hello world' }],
      ['just a string', 'just a string'],
    ],
  },
  {
    name: 'transform function skipped outside its if_status',
    config: { transform: { functions: ['(data) => ({ replaced: true })'], if_status: ['200'] } },
    status: 404,
    rows: [[{ foo: 'something' }, { foo: 'something' }]],
  },
  {
    name: 'remove nested JSON content (dots_in_keys false)',
    config: { remove: { json: ['customers.info.phone'] }, dots_in_keys: false },
    rows: [[{ customers: { info: { phone: '555', name: 'a' } } }, { customers: { info: { name: 'a' } } }]],
  },
  {
    name: 'with dots_in_keys (the default) a dotted name is one property',
    config: { remove: { json: ['customers.info.phone'] } },
    rows: [
      [{ 'customers.info.phone': 1, customers: { info: { phone: '555' } } }, { customers: { info: { phone: '555' } } }],
    ],
  },
  {
    name: 'customers[*].info.phone removes phone from every customer',
    config: { remove: { json: ['customers[*].info.phone'] }, dots_in_keys: false },
    rows: [
      [
        { customers: [{ info: { phone: '1', n: 1 } }, { info: { phone: '2', n: 2 } }, { other: true }] },
        { customers: [{ info: { n: 1 } }, { info: { n: 2 } }, { other: true }] },
      ],
    ],
  },
  {
    name: 'array[N] is 1-based',
    config: { remove: { json: ['customers[2].info.phone'] }, dots_in_keys: false },
    rows: [
      [
        { customers: [{ info: { phone: '1' } }, { info: { phone: '2' } }] },
        { customers: [{ info: { phone: '1' } }, { info: {} }] },
      ],
    ],
  },
  {
    name: 'json_types: -1 added as a number at status 500',
    config: { add: { json: ['p1:-1'], json_types: ['number'], if_status: ['500'] } },
    status: 500,
    rows: [[{}, { p1: -1 }]],
  },
  {
    name: 'json_types: nothing added at status 200',
    config: { add: { json: ['p1:-1'], json_types: ['number'], if_status: ['500'] } },
    status: 200,
    rows: [[{}, {}]],
  },
  {
    name: 'the configuration example (remove then add JSON keys)',
    config: {
      remove: { json: ['json-key-toremove', 'another-json-key'] },
      add: { json: ['new-json-key:some_value', 'another-json-key:some_value'] },
    },
    rows: [
      [
        { 'json-key-toremove': 1, 'another-json-key': 2, keep: 3 },
        { keep: 3, 'new-json-key': 'some_value', 'another-json-key': 'some_value' },
      ],
    ],
  },
];

for (const c of bodyCases) {
  t.test(c.name, async (t) => {
    for (const [upstream, proxied] of c.rows) {
      const raw = typeof upstream === 'string' && c.contentType === 'text/html' ? upstream : JSON.stringify(upstream);
      const got = respond(c.config, 'advanced', { status: c.status ?? 200, raw, ...(c.contentType ? { contentType: c.contentType } : {}) });
      t.strictSame(got.body, proxied, JSON.stringify(upstream));
    }
  });
}

t.test('order of execution: remove, rename, replace, add, append', async (t) => {
  const config: Config = {
    remove: { json: ['a'] },
    rename: { json: ['b:a'] },
    replace: { json: ['a:replaced'] },
    add: { json: ['a:added', 'c:added'] },
    append: { json: ['c:appended'] },
  };
  t.strictSame(respond(config, 'advanced', { body: { a: 1, b: 'x' } }).body, { a: 'replaced', c: ['added', 'appended'] });
});

t.test('if_status ranges pick the action per status', async (t) => {
  const config: Config = {
    add: { headers: ['x-ok:1'], if_status: ['200-299'] },
    append: { headers: ['x-err:1'], if_status: ['400-499', '500'] },
  };
  t.strictSame(respond(config, 'advanced', { status: 204 }).headers, { 'x-ok': '1' });
  t.strictSame(respond(config, 'advanced', { status: 404 }).headers, { 'x-err': '1' });
  t.strictSame(respond(config, 'advanced', { status: 500 }).headers, { 'x-err': '1' });
  t.strictSame(respond(config, 'advanced', { status: 302 }).headers, {});
});

t.test('JSON actions leave non-JSON bodies alone', async (t) => {
  const config: Config = { add: { json: ['p:v'] } };
  const got = respond(config, 'advanced', { raw: 'p=1', contentType: 'text/plain' });
  t.equal(got.changed, false);
  t.equal(got.mayChange, false);
  t.equal(respond(config, 'advanced', { raw: '{not json', contentType: 'application/json' }).changed, false);
  t.equal(respond(config, 'advanced', { raw: '{}', contentType: 'application/problem+json' }).changed, true);
});

t.test('allow.json keeps only the listed properties (whitelist is the old name)', async (t) => {
  const body = { id: 1, name: 'n', secret: 's', nested: { a: 1, b: 2 } };
  t.strictSame(respond({ allow: { json: ['id', 'name'] } }, 'advanced', { body }).body, { id: 1, name: 'n' });
  t.strictSame(respond({ whitelist: { json: ['id'] } }, 'advanced', { body }).body, { id: 1 });
  t.strictSame(respond({ allow: { json: ['id', 'nested.b'] }, dots_in_keys: false }, 'advanced', { body }).body, { id: 1, nested: { b: 2 } });
  t.strictSame(
    respond({ allow: { json: ['[*].id'] }, dots_in_keys: false }, 'advanced', { body: [{ id: 1, x: 1 }, { id: 2, y: 2 }] }).body,
    [{ id: 1 }, { id: 2 }],
  );
  t.strictSame(respond({ allow: { json: ['id'] } }, 'advanced', { body: { other: 1 } }).body, {});
});
