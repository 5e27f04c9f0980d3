/**
 * Kong users' Lua pre-/post-function code, as real files carry it, through a real gateway and a real upstream.
 * Each case names the Kong spec or doc it matches: spec/03-plugins/33-serverless-functions/02-access_spec.lua
 * (its mock_fn_* functions) or the pre-function plugin documentation's examples.
 */
import t, { type Test } from 'tap';
import { startTestGateway } from '../helpers/gateway.js';
import { request, type RequestOptions, type Response } from '../helpers/http.js';
import { type EchoedRequest, startUpstream } from '../helpers/upstream.js';

interface Case {
  readonly name: string;
  /** The Kong spec (or doc) the case matches. */
  readonly kong: string;
  /** pre-function config and, optionally, post-function config (YAML flow or block text, 14 spaces deep). */
  readonly pre: Record<string, string[]>;
  readonly post?: Record<string, string[]>;
  readonly req?: RequestOptions & { path?: string };
  readonly expect: (t: Test, res: Response, seen: EchoedRequest | undefined) => void;
}

const CASES: Case[] = [
  {
    name: 'IP allow list: ngx.var.remote_addr, kong.response.exit(403)',
    kong: 'pre-function docs, "IP allow list"; 02-access_spec mock_fn_three (kong.response.exit with a table)',
    pre: {
      access: [
        `local allowed = { ["10.0.0.1"] = true }
if not allowed[ngx.var.remote_addr] then
  return kong.response.exit(403, { message = "Forbidden: " .. ngx.var.remote_addr })
end`,
      ],
    },
    expect: (t, res, seen) => {
      t.equal(res.status, 403);
      t.same(res.json(), { message: 'Forbidden: 127.0.0.1' });
      t.equal(seen, undefined, 'the upstream saw nothing');
    },
  },
  {
    name: 'allow-listed address passes',
    kong: 'pre-function docs, "IP allow list"',
    pre: {
      access: [
        `local allowed = { ["127.0.0.1"] = true }
if not allowed[ngx.var.remote_addr] then return kong.response.exit(403) end`,
      ],
    },
    expect: (t, res, seen) => {
      t.equal(res.status, 200);
      t.ok(seen, 'proxied');
    },
  },
  {
    name: 'header rewrite: kong.service.request.set_header / clear_header, kong.request.get_header',
    kong: 'pre-function docs, "modify request headers"',
    pre: {
      access: [
        `local token = kong.request.get_header("x-api-token")
kong.service.request.set_header("Authorization", "Bearer " .. token)
kong.service.request.clear_header("x-api-token")`,
      ],
    },
    req: { headers: { 'x-api-token': 'abc' } },
    expect: (t, res, seen) => {
      t.equal(res.status, 200);
      t.equal(seen?.headers.authorization, 'Bearer abc');
      t.equal(seen?.headers['x-api-token'], undefined);
    },
  },
  {
    name: 'ngx.req.get_headers: case-insensitive lookups, every header',
    kong: 'lua-nginx-module ngx.req.get_headers (Kong snippets read headers so)',
    pre: {
      access: [
        `local h = ngx.req.get_headers()
ngx.req.set_header("x-seen", h["X-Tenant"] .. "," .. h.x_tenant .. "," .. type(h))`,
      ],
    },
    req: { headers: { 'x-tenant': 'acme' } },
    expect: (t, res, seen) => {
      t.equal(res.status, 200);
      t.equal(seen?.headers['x-seen'], 'acme,acme,table');
    },
  },
  {
    name: 'JSON answer with cjson (require "cjson"), ngx.req.get_uri_args',
    kong: 'pre-function docs (cjson.encode for a custom body); sandbox require of an allowed module',
    pre: {
      access: [
        `local cjson = require "cjson"
local args = ngx.req.get_uri_args()
return kong.response.exit(200, cjson.encode({ hello = args.name, list = { 1, 2 }, none = cjson.null }), { ["Content-Type"] = "application/json" })`,
      ],
    },
    req: { path: '/?name=world' },
    expect: (t, res, seen) => {
      t.equal(res.status, 200);
      t.match(res.headers['content-type'], /application\/json/);
      t.same(res.json(), { hello: 'world', list: [1, 2], none: null });
      t.equal(seen, undefined);
    },
  },
  {
    name: 'ngx.say + ngx.exit(200)',
    kong: '02-access_spec mock_fn_six / mock_fn_two (ngx.status, ngx.say, ngx.exit)',
    pre: { access: ['ngx.status = 404\nngx.say("Not Found")\nngx.exit(ngx.status)'] },
    expect: (t, res, seen) => {
      t.equal(res.status, 404);
      t.equal(res.body, 'Not Found\n');
      t.match(res.headers['content-type'], /^text\/plain/);
      t.equal(seen, undefined);
    },
  },
  {
    name: 'ngx.status then ngx.exit in a second function of the same phase',
    kong: '02-access_spec "cascading functions for a 400 and exit" (mock_fn_four, mock_fn_five)',
    pre: { access: ['ngx.status = 400', 'ngx.exit(ngx.status)'] },
    expect: (t, res) => {
      t.equal(res.status, 400);
      t.match(res.body, /Bad request/);
    },
  },
  {
    name: 'ngx.exit(503) after ngx.status = 503',
    kong: '02-access_spec "using ngx.exit()" (mock_fn_one)',
    pre: { access: ['ngx.status = 503\nngx.exit(ngx.status)'] },
    expect: (t, res) => t.equal(res.status, 503),
  },
  {
    name: 'kong.ctx.shared carries a Lua table from pre-function to post-function',
    kong: 'kong.ctx.shared docs ("share data between plugins in one request")',
    pre: { access: ['kong.ctx.shared.trace = { "pre" }\nkong.ctx.shared.user = "alice"'] },
    post: {
      access: ['table.insert(kong.ctx.shared.trace, "post")\nkong.service.request.set_header("x-trace", table.concat(kong.ctx.shared.trace, ","))'],
      header_filter: ['kong.response.set_header("x-user", kong.ctx.shared.user)'],
    },
    expect: (t, res, seen) => {
      t.equal(seen?.headers['x-trace'], 'pre,post', 'the same table, changed in place');
      t.equal(res.headers['x-user'], 'alice');
    },
  },
  {
    name: 'runtime error answers 500 with Kong\'s body',
    kong: '02-access_spec "runtime error aborts with a 500" (mock_fn_nine)',
    pre: { access: ['error("this should stop the request with a 500")'] },
    expect: (t, res, seen) => {
      t.equal(res.status, 500);
      t.match(res.json(), { message: 'An unexpected error occurred' });
      t.equal(seen, undefined);
    },
  },
  {
    name: 'ngx.var.args = nil clears the query sent upstream',
    kong: '02-access_spec "does not crash even when query is cleared, #9246" (mock_fn_ten)',
    pre: { access: ['ngx.var.args = nil'] },
    req: { path: '/?a=1' },
    expect: (t, res, seen) => {
      t.equal(res.status, 200);
      t.equal(seen?.url, '/');
    },
  },
  {
    name: 'ngx.req.read_body + get_body_data, counting in the body',
    kong: '02-access_spec "invocation count" (mock_fn_seven)',
    pre: {
      access: [
        `ngx.req.read_body()
local count = tonumber(ngx.req.get_body_data())
count = count + 1
ngx.status = 200
ngx.say(count)
ngx.exit(ngx.status)`,
      ],
    },
    req: { method: 'POST', body: '41' },
    expect: (t, res) => {
      t.equal(res.status, 200);
      t.equal(res.body, '42\n');
    },
  },
  {
    name: 'ngx.var.upstream_uri rewrites the path sent upstream',
    kong: 'Kong $upstream_uri (pre-function docs, "rewrite the upstream path")',
    pre: { access: ['ngx.var.upstream_uri = "/v2" .. ngx.var.upstream_uri'] },
    req: { path: '/users?x=1' },
    expect: (t, res, seen) => {
      t.equal(res.status, 200);
      t.equal(seen?.url, '/v2/users?x=1');
    },
  },
  {
    name: 'ngx.header in header_filter, ngx.re.match, ngx.encode_base64',
    kong: 'lua-nginx-module ngx.header / ngx.re.match / ngx.encode_base64 as Kong snippets use them',
    pre: {
      access: [
        `local m = ngx.re.match(ngx.var.request_uri, [[/items/(?<id>\\d+)$]], "jo")
kong.ctx.shared.id = m and m.id or "none"`,
      ],
    },
    post: { header_filter: ['ngx.header["X-Item"] = kong.ctx.shared.id\nngx.header.x_b64 = ngx.encode_base64("hi")'] },
    req: { path: '/items/42' },
    expect: (t, res) => {
      t.equal(res.headers['x-item'], '42');
      t.equal(res.headers['x-b64'], 'aGk=');
    },
  },
  {
    name: 'Kong\'s function-returning form: upvalues live across requests',
    kong: '02-access_spec "with upvalues" (mock_fn_six) and "on repeated calls, with upvalues" (mock_fn_eight)',
    pre: { access: ['local count = 0\nreturn function()\n  count = count + 1\n  kong.service.request.set_header("x-count", count)\nend'] },
    expect: (t, res, seen) => {
      t.equal(res.status, 200);
      t.equal(seen?.headers['x-count'], '1', 'the first request runs the chunk, then the function it returned');
    },
  },
  {
    name: 'body_filter: kong.response.get_raw_body / set_raw_body with string functions',
    kong: 'post-function docs, body_filter',
    pre: { body_filter: ['kong.response.set_raw_body(string.upper(kong.response.get_raw_body()))'] },
    expect: (t, res) => {
      t.equal(res.status, 200);
      t.match(res.body, /"UPSTREAM":"UP"/);
    },
  },
  {
    name: 'log phase: kong.log and ngx.log reach the gateway log',
    kong: 'kong.log docs; lua-nginx-module ngx.log(ngx.ERR, …)',
    pre: { log: ['kong.log.warn("lua log ", kong.response.get_status())\nngx.log(ngx.ERR, "ngx log ", ngx.var.request_uri)'] },
    req: { path: '/logged' },
    expect: (t, res) => t.equal(res.status, 200),
  },
];

function yamlList(sources: readonly string[]): string {
  return sources.map((s) => `\n                - |\n${s.split('\n').map((l) => `                  ${l}`).join('\n')}`).join('');
}

function pluginYaml(name: string, config: Record<string, string[]> | undefined): string {
  if (!config) return '';
  const phases = Object.entries(config)
    .map(([phase, sources]) => `              ${phase}:${yamlList(sources)}`)
    .join('\n');
  return `\n          - name: ${name}\n            config:\n${phases}`;
}

t.test('real-world Lua functions through a gateway', async (t) => {
  const up = await startUpstream('up');
  t.teardown(() => up.close());
  const routes = CASES.map(
    (c, i) => `\n      - name: case${i}\n        paths: [/case${i}]\n        plugins:${pluginYaml('pre-function', c.pre)}${pluginYaml('post-function', c.post)}`,
  ).join('');
  const gw = await startTestGateway(`_format_version: "3.0"\nservices:\n  - name: s\n    url: ${up.url}\n    routes:${routes}\n`);
  t.teardown(() => gw.close());
  for (const [i, c] of CASES.entries()) {
    await t.test(`${c.name} (Kong: ${c.kong})`, async (t) => {
      const before = up.seen.length;
      const { path = '/', ...opts } = c.req ?? {};
      const res = await request(gw.port, `/case${i}${path === '/' ? '' : path}`, opts);
      const seen = up.seen.length > before ? up.seen[up.seen.length - 1] : undefined;
      c.expect(t, res, seen);
    });
  }
  await t.test('the log lines', async (t) => {
    for (let i = 0; i < 50 && !gw.logs.some((l) => String(l.msg).startsWith('ngx log')); i++) await new Promise((r) => setTimeout(r, 20));
    const warn = gw.logs.find((l) => String(l.msg).startsWith('lua log'));
    t.equal(warn?.msg, 'lua log 200', 'kong.log concatenates its arguments as ngx.log (Kong)');
    t.equal(warn?.level, 'warn');
    const err = gw.logs.find((l) => String(l.msg).startsWith('ngx log'));
    t.equal(err?.msg, `ngx log /case${CASES.findIndex((c) => c.kong.startsWith('kong.log docs'))}/logged`);
    t.equal(err?.level, 'error');
    t.equal(err?.plugin, 'pre-function');
  });
  await t.test('upvalue state: each request counts on', async (t) => {
    const i = CASES.findIndex((c) => c.name.startsWith("Kong's function-returning"));
    const counts: unknown[] = [];
    for (let n = 0; n < 3; n++) {
      await request(gw.port, `/case${i}`);
      counts.push(up.seen[up.seen.length - 1]!.headers['x-count']);
    }
    t.same(counts, ['2', '3', '4'], 'the chunk ran once; its function keeps its upvalue');
  });
});
