// The handlers are thin adapters over the PDK: exercised here with a recording stand-in for `kong`.
import { gunzipSync, gzipSync } from 'node:zlib';
import t from 'tap';
import type { Pdk } from '../../../src/pdk/kong.js';
import type { PluginCreateContext } from '../../../src/plugins/define.js';
import requestTransformer from '../../../src/plugins/request-transformer/handler.js';
import responseTransformerAdvanced from '../../../src/plugins/response-transformer-advanced/handler.js';
import responseTransformer from '../../../src/plugins/response-transformer/handler.js';

const ctx = {} as PluginCreateContext;

function fakeResponse(status: number, headers: Record<string, string | string[]>, body: Buffer) {
  const state = { status, headers: { ...headers }, body };
  const kong = {
    response: {
      get_status: () => state.status,
      get_headers: () => ({ ...state.headers }),
      get_header: (n: string) => {
        const v = state.headers[n.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v[0]! : v;
      },
      set_header: (n: string, v: string | string[]) => void (state.headers[n.toLowerCase()] = v),
      clear_header: (n: string) => void delete state.headers[n.toLowerCase()],
      get_raw_body: () => state.body,
      set_raw_body: (b: string | Buffer) => void (state.body = Buffer.isBuffer(b) ? b : Buffer.from(b)),
    },
  };
  return { state, kong: kong as unknown as Pdk };
}

t.test('response-transformer-advanced: headers, Content-Length and a JSON body', async (t) => {
  const h = responseTransformerAdvanced.create({ add: { headers: ['x-new:1'], json: ['p:v'] }, remove: { headers: ['x-drop'] } }, ctx);
  const { state, kong } = fakeResponse(200, { 'content-type': 'application/json', 'content-length': '2', 'x-drop': 'a' }, Buffer.from('{}'));
  h.header_filter!(kong);
  t.strictSame(state.headers, { 'content-type': 'application/json', 'x-new': '1' }, 'content-length dropped with the body about to change');
  h.body_filter!(kong);
  t.equal(state.body.toString(), '{"p":"v"}');
});

t.test('response-transformer-advanced: gzip bodies are unpacked and packed again', async (t) => {
  const h = responseTransformerAdvanced.create({ remove: { json: ['secret'] } }, ctx);
  const zipped = gzipSync(JSON.stringify({ secret: 1, ok: 2 }));
  const { state, kong } = fakeResponse(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, zipped);
  h.header_filter!(kong);
  h.body_filter!(kong);
  t.strictSame(JSON.parse(gunzipSync(state.body).toString()), { ok: 2 });
});

t.test('response-transformer-advanced: non-matching status keeps Content-Length and body', async (t) => {
  const h = responseTransformerAdvanced.create({ add: { json: ['p:v'], if_status: ['500'] } }, ctx);
  const { state, kong } = fakeResponse(200, { 'content-type': 'application/json', 'content-length': '2' }, Buffer.from('{}'));
  h.header_filter!(kong);
  h.body_filter!(kong);
  t.equal(state.headers['content-length'], '2');
  t.equal(state.body.toString(), '{}');
});

t.test('response-transformer-advanced: a throwing transform function surfaces', async (t) => {
  const h = responseTransformerAdvanced.create({ transform: { functions: ['(d) => { throw new Error("nope") }'] } }, ctx);
  const { kong } = fakeResponse(200, { 'content-type': 'application/json' }, Buffer.from('{}'));
  t.throws(() => h.body_filter!(kong), /nope/);
});

t.test('response-transformer: text bodies pass through untouched', async (t) => {
  const h = responseTransformer.create({ add: { json: ['p:v'] } }, ctx);
  const { state, kong } = fakeResponse(200, { 'content-type': 'text/plain', 'content-length': '5' }, Buffer.from('hello'));
  h.header_filter!(kong);
  h.body_filter!(kong);
  t.equal(state.headers['content-length'], '5');
  t.equal(state.body.toString(), 'hello');
});

function fakeRequest(req: { headers: Record<string, string>; query?: Record<string, string>; body?: string }) {
  const calls: unknown[][] = [];
  const rec =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, ...args]);
  const kong = {
    request: {
      get_headers: () => ({ ...req.headers }),
      get_header: (n: string) => req.headers[n.toLowerCase()] ?? null,
      get_query: () => ({ ...(req.query ?? {}) }),
      get_uri_captures: () => ({ id: '42' }),
      get_raw_body: async () => Buffer.from(req.body ?? ''),
    },
    ctx: { shared: {} },
    service: {
      request: {
        set_path: rec('set_path'),
        set_method: rec('set_method'),
        set_header: rec('set_header'),
        clear_header: rec('clear_header'),
        set_raw_body: rec('set_raw_body'),
        set_query: rec('set_query'),
      },
    },
  };
  return { calls, kong: kong as unknown as Pdk };
}

t.test('request-transformer: synchronous without a body to read', async (t) => {
  const h = requestTransformer.create({ remove: { headers: ['x-a'] }, add: { querystring: ['id:$(uri_captures.id)'] }, replace: { uri: '/items/$(uri_captures.id)' } }, ctx);
  const { calls, kong } = fakeRequest({ headers: { 'x-a': '1' } });
  t.equal(h.access!(kong), undefined, 'no promise');
  // The query arguments are a prototype-less object (a `constructor` argument is an argument): compared as data.
  t.strictSame(JSON.parse(JSON.stringify(calls)), [
    ['set_path', '/items/42'],
    ['clear_header', 'x-a'],
    ['set_query', { id: '42' }],
  ]);
});

t.test('request-transformer: waits for the body only when it transforms it', async (t) => {
  const h = requestTransformer.create({ add: { body: ['k:v'] } }, ctx);
  const { calls, kong } = fakeRequest({ headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  const pending = h.access!(kong);
  t.ok(pending instanceof Promise);
  await pending;
  t.strictSame(calls, [['set_raw_body', '{"a":1,"k":"v"}']]);
});
