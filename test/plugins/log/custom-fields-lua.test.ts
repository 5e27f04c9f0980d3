/**
 * custom_fields_by_lua with Lua-only chunks, through real gateways to a real file (file-log) and a real log
 * server (http-log). Kong: each log plugin's log phase runs `set_serialize_value(key, sandbox(expression)())`
 * (kong/plugins/file-log/handler.lua); the value crosses as lua-cjson data. Invariants attacked: the chunk's
 * value (strings, numbers, booleans, tables as objects/arrays, nil removing) sets its field; every entry gets
 * a fresh sandbox environment; a chunk that errors or never returns costs its field, never the entry.
 */
import { join } from 'node:path';
import t from 'tap';
import { gatewayWithService, upstream, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { type Rec, waitForLines } from './receivers.js';

t.test("file-log: each Lua chunk's return value sets its field, converted by cjson's rules", async (t) => {
  const path = join(t.testdir(), 'lua.log');
  const { gw } = await gatewayWithService(t, `
    - name: lua
      paths: [/lua]
      plugins:
        - name: file-log
          config:
            path: ${JSON.stringify(path)}
            custom_fields_by_lua:
              tenant: return kong.request.get_header("x-tenant") or "none"
              uri: return ngx.var.uri
              xa: local h = kong.request.get_headers() return h["x-a"]
              tbl: 'return { a = 1, b = "x", list = { 1, 2.5, "three" }, empty = {}, nested = { ok = true } }'
              count: n = (n or 0) + 1 return n
              status: return tonumber(ngx.var.status) == 200
              service: return nil
              route: 'local r = kong.router.get_route() return nil'
  `);
  const cases = [
    { headers: { 'x-tenant': 'acme', 'x-a': 'one' }, tenant: 'acme', xa: 'one' },
    { headers: {}, tenant: 'none', xa: undefined },
  ];
  for (const c of cases) t.equal((await request(gw.port, '/lua/p', { headers: c.headers })).status, 200);
  const got = await waitForLines(path, cases.length);
  cases.forEach((c, i) => {
    const r = got[i]!;
    t.equal(r.tenant, c.tenant, `entry ${i}: the \`or\` default`);
    t.equal(r.xa, c.xa, `entry ${i}: a header read through a local table`);
    t.equal(r.uri, '/lua/p', `entry ${i}: ngx.var.uri`);
    t.same(r.tbl, { a: 1, b: 'x', list: [1, 2.5, 'three'], empty: {}, nested: { ok: true } }, `entry ${i}: a table`);
    t.equal(r.count, 1, `entry ${i}: globals do not survive the entry (Kong sandboxes each run afresh)`);
    t.equal(r.status, true, `entry ${i}: a boolean`);
    t.notOk('service' in r, `entry ${i}: return nil removes a field`);
    t.notOk('route' in r, `entry ${i}: a Lua nil (not the JS shortcut) removes a field`);
  });
  t.notOk(gw.logs.some((l) => String(l.msg).includes('custom_fields_by_lua')), 'nothing logged as failed');
});

t.test('http-log: a chunk that errors is logged, the entry goes out with the other fields', async (t) => {
  const got: Rec[] = [];
  const logs = await upstream(t, 'logs', (_req, res, body) => {
    got.push(...([] as Rec[]).concat(JSON.parse(body.toString()) as Rec | Rec[])); // a batch of one is the object itself
    res.writeHead(200).end('ok');
  });
  const { gw } = await gatewayWithService(t, `
    - name: errs
      paths: [/errs]
      plugins:
        - name: http-log
          config:
            http_endpoint: ${logs.url}/ingest
            queue: { max_batch_size: 1 }
            custom_fields_by_lua:
              a_boom: error("boom")
              b_fn: 'return function() end'
              c_nil_index: local t = nil return t.x
              d_ok: return "still" .. " here"
  `);
  t.equal((await request(gw.port, '/errs')).status, 200);
  const [e] = await waitFor('the entry', () => (got.length === 1 ? got : undefined));
  t.equal(e!.d_ok, 'still here', 'the fields after the failures are set');
  for (const k of ['a_boom', 'b_fn', 'c_nil_index']) t.notOk(k in e!, `${k} left unset`);
  const failed = (key: string) => gw.logs.find((l) => String(l.msg).includes(`custom_fields_by_lua '${key}' failed`));
  t.match(String(failed('a_boom')?.msg), /boom/, 'error() logged with its message');
  t.match(String(failed('b_fn')?.msg), /Cannot serialise function/, 'a value that is not data is refused, as cjson does');
  t.match(String(failed('c_nil_index')?.msg), /attempt to index a nil value/, 'a runtime error logged');
});

t.test('a chunk that never returns or allocates without end is cut at the budgets (pcall cannot swallow it); the entry still goes out', async (t) => {
  const path = join(t.testdir(), 'loop.log');
  const { gw } = await gatewayWithService(t, `
    - name: loop
      paths: [/loop]
      plugins:
        - name: file-log
          config:
            path: ${JSON.stringify(path)}
            custom_fields_by_lua:
              after: return "after"
              spin: 'local ok = pcall(function() while true do end end) return "swallowed"'
              mem: 'local s = ("x"):rep(1 << 20) local t = {} for i = 1, 100 do t[i] = s .. i end return #t'
  `);
  const started = Date.now();
  t.equal((await request(gw.port, '/loop')).status, 200);
  const [r] = await waitForLines(path, 1);
  const took = Date.now() - started;
  t.equal(r!.after, 'after');
  t.notOk('spin' in r!, 'the runaway field is not set');
  t.notOk('mem' in r!, 'the field past its allocation budget is not set');
  t.ok(took >= 900 && took < 4500, `the spin cut at 1 s, the allocation at 64 MiB (${took} ms for the entry)`);
  const msg = String(gw.logs.find((l) => String(l.msg).includes("custom_fields_by_lua 'spin' failed"))?.msg);
  t.match(msg, /exceeded its time budget of 1000 ms/);
  t.match(String(gw.logs.find((l) => String(l.msg).includes("custom_fields_by_lua 'mem' failed"))?.msg), /not enough memory/, 'the 64 MiB allocation budget');
  // The engine is usable afterwards: the next entry is served and logged.
  t.equal((await request(gw.port, '/loop')).status, 200);
  await waitForLines(path, 2);
});
