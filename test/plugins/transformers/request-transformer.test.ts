// request-transformer: Kong's config over headers, querystring, body (JSON and form), method and uri.
import t from 'tap';
import { compileTemplate, type TemplateEnv } from '../../../src/plugins/transform/request-template.js';
import {
  compileRequestTransform,
  type QueryArgs,
  type RequestChanges,
  type RequestTransformConfig,
} from '../../../src/plugins/transform/request-transform.js';

const ENV_BASE = { uri_captures: { '1': 'first', user: 'alice' }, shared: { tenant: 't1', n: 3 } };

function run(config: RequestTransformConfig, req: { headers?: Record<string, string | string[]>; query?: QueryArgs; body?: string }): RequestChanges {
  const tr = compileRequestTransform(config);
  const headers = req.headers ?? {};
  const query = req.query ?? {};
  const ct = typeof headers['content-type'] === 'string' ? headers['content-type'] : null;
  const body = tr.needsBody(ct) ? (req.body ?? '') : null;
  return tr.apply({ headers, query, body, env: { headers, query_params: query, ...ENV_BASE } });
}

t.test('headers', async (t) => {
  const cases: [string, RequestTransformConfig, Record<string, string | string[]>, Partial<RequestChanges>][] = [
    ['remove', { remove: { headers: ['X-A', 'x-missing'] } }, { 'x-a': '1', 'x-b': '2' }, { setHeaders: {}, clearHeaders: ['x-a'] }],
    ['rename', { rename: { headers: ['x-a:x-b'] } }, { 'x-a': '1' }, { setHeaders: { 'x-b': '1' }, clearHeaders: ['x-a'] }],
    ['replace only when set', { replace: { headers: ['x-a:new', 'x-b:new'] } }, { 'x-a': 'old' }, { setHeaders: { 'x-a': 'new' }, clearHeaders: [] }],
    ['replace host always sets it', { replace: { headers: ['host:example.org'] } }, { host: 'client' }, { setHeaders: { host: 'example.org' }, clearHeaders: [] }],
    ['add only when absent', { add: { headers: ['x-a:new', 'x-b:new'] } }, { 'x-a': 'old' }, { setHeaders: { 'x-b': 'new' }, clearHeaders: [] }],
    ['add never sets host', { add: { headers: ['host:x'] } }, {}, { setHeaders: {}, clearHeaders: [] }],
    ['remove never drops host', { remove: { headers: ['host'] } }, { host: 'h' }, { setHeaders: {}, clearHeaders: [] }],
    ['append', { append: { headers: ['x-a:2', 'x-b:1'] } }, { 'x-a': '1' }, { setHeaders: { 'x-a': ['1', '2'], 'x-b': ['1'] }, clearHeaders: [] }],
    [
      'templates',
      { add: { headers: ['x-user:$(uri_captures.user)', 'x-first:$(uri_captures[1])', 'x-q:$(query_params.q)', 'x-tenant:$(shared.tenant)', 'x-ua:$(headers.user_agent)'] } },
      { 'user-agent': 'curl' },
      { setHeaders: { 'x-user': 'alice', 'x-first': 'first', 'x-q': '', 'x-tenant': 't1', 'x-ua': 'curl' }, clearHeaders: [] },
    ],
  ];
  for (const [name, config, headers, want] of cases) {
    const got = run(config, { headers });
    t.strictSame({ setHeaders: got.setHeaders, clearHeaders: got.clearHeaders }, want, name);
  }
});

t.test('querystring', async (t) => {
  const cases: [string, RequestTransformConfig, QueryArgs, QueryArgs | undefined][] = [
    ['no querystring config leaves it alone', { add: { headers: ['x:1'] } }, { a: '1' }, undefined],
    ['remove', { remove: { querystring: ['a'] } }, { a: '1', b: '2' }, { b: '2' }],
    ['rename', { rename: { querystring: ['a:z'] } }, { a: '1' }, { z: '1' }],
    ['replace', { replace: { querystring: ['a:9', 'b:9'] } }, { a: '1' }, { a: '9' }],
    ['add', { add: { querystring: ['a:9', 'b:9'] } }, { a: '1' }, { a: '1', b: '9' }],
    ['append', { append: { querystring: ['a:2', 'b:1'] } }, { a: '1' }, { a: ['1', '2'], b: ['1'] }],
    ['template from a header', { add: { querystring: ['who:$(headers["x-user"] or "anon")'] } }, {}, { who: 'anon' }],
  ];
  for (const [name, config, query, want] of cases) {
    const got = run(config, { query }).query;
    t.strictSame(got === undefined ? undefined : { ...got }, want, name);
  }
  // A config naming an argument Object.prototype holds: `add` sees it absent, `replace` sees it absent.
  t.strictSame({ ...run({ add: { querystring: ['constructor:1', 'toString:2'] }, replace: { querystring: ['valueOf:3'] } }, { query: {} }).query }, { constructor: '1', toString: '2' }, 'prototype names');
});

t.test('JSON body', async (t) => {
  const json = { 'content-type': 'application/json' };
  const cases: [string, RequestTransformConfig, string, unknown][] = [
    ['remove', { remove: { body: ['a'] } }, '{"a":1,"b":2}', { b: 2 }],
    ['rename', { rename: { body: ['a:z'] } }, '{"a":1}', { z: 1 }],
    ['replace', { replace: { body: ['a:x', 'c:x'] } }, '{"a":1,"b":2}', { a: 'x', b: 2 }],
    ['add', { add: { body: ['a:x', 'c:x'] } }, '{"a":1}', { a: 1, c: 'x' }],
    ['add to an empty body', { add: { body: ['c:x'] } }, '', { c: 'x' }],
    ['remove needs a body', { remove: { body: ['c'] } }, '', undefined],
    ['append', { append: { body: ['a:x', 'b:y'] } }, '{"a":"1"}', { a: ['1', 'x'], b: ['y'] }],
    ['a body that is not JSON stays', { add: { body: ['c:x'] } }, '{oops', undefined],
  ];
  for (const [name, config, body, want] of cases) {
    const got = run(config, { headers: json, body }).body;
    t.strictSame(got === undefined ? undefined : JSON.parse(got), want, name);
  }
});

t.test('form body', async (t) => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const cases: [string, RequestTransformConfig, string, string | undefined][] = [
    ['remove', { remove: { body: ['a'] } }, 'a=1&b=2', 'b=2'],
    ['rename', { rename: { body: ['a:z'] } }, 'a=1', 'z=1'],
    ['replace', { replace: { body: ['a:x y'] } }, 'a=1', 'a=x%20y'],
    ['add', { add: { body: ['c:x'] } }, 'a=1', 'a=1&c=x'],
    ['append', { append: { body: ['a:2'] } }, 'a=1', 'a=1&a=2'],
    ['other content types are left alone', { add: { body: ['c:x'] } }, 'raw', undefined],
  ];
  for (const [name, config, body, want] of cases) {
    const headers = name.startsWith('other') ? { 'content-type': 'text/plain' } : form;
    t.equal(run(config, { headers, body }).body, want, name);
  }
});

t.test('http_method and uri', async (t) => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const got = run({ http_method: 'GET' }, { headers: form, query: { a: '1' }, body: 'a=2&b=3' });
  t.equal(got.method, 'GET');
  t.strictSame({ ...got.query }, { a: ['1', '2'], b: '3' }, 'form fields join the query string of a GET');
  // Field names Object.prototype holds are fields like any other (before: `constructor` became the Object
  // function's source text joined with '1', and `__proto__` vanished).
  const odd = run({ http_method: 'GET' }, { headers: form, query: { toString: 'q' }, body: 'constructor=1&__proto__=x&toString=b' });
  t.equal(JSON.stringify(odd.query), JSON.stringify({ toString: ['q', 'b'], constructor: '1', ['__proto__']: 'x' }), 'prototype names as form fields');
  t.equal(run({ http_method: 'POST' }, {}).method, 'POST');
  t.equal(run({ replace: { uri: '/users/$(uri_captures.user)/$(uri_captures[1])' } }, {}).path, '/users/alice/first');
  t.equal(run({}, {}).path, undefined);
});

t.test('templates', async (t) => {
  const env: TemplateEnv = {
    headers: { 'x-a': 'A', multi: ['1', '2'] },
    query_params: { flag: true, q: 'v' },
    uri_captures: { '0': '/all', name: 'n' },
    shared: { num: 3 },
  };
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['$(headers["x-a"])', 'A'],
    ["$(headers['X-A'])", 'A'],
    ['$(headers.x_a)', 'A'],
    ['$(headers.multi)', '1, 2'],
    ['$(query_params.flag)', 'true'],
    ['pre-$(query_params.q)-post', 'pre-v-post'],
    ['$(uri_captures[0])', '/all'],
    ['$(uri_captures.missing or "dflt")', 'dflt'],
    ['$(shared.num)', '3'],
    ['$(headers.missing)', ''],
    ['cost $5', 'cost $5'],
    ['$(unclosed', '$(unclosed'],
  ];
  for (const [src, want] of cases) t.equal(compileTemplate(src)(env), want, src);
  for (const bad of ['$(os.execute("x"))', '$(headers)', '$(headers.a .. "b")']) {
    t.throws(() => compileTemplate(bad), /not in supported format/, bad);
  }
});
