/**
 * Kong's sandbox for Lua functions (kong/tools/sandbox: untrusted_lua = sandbox, the default): only the
 * environment of kong/tools/sandbox/environment/lua.lua plus kong and ngx, no require of anything not allowed,
 * read-only libraries; plus sluice's time and allocation budgets, which Kong does not have (an endless loop
 * there blocks an nginx worker). A refused or runaway function answers 500 (02-access_spec "runtime error
 * aborts with a 500") and the gateway goes on serving.
 */
import t from 'tap';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream } from '../helpers/upstream.js';

interface Case {
  readonly name: string;
  readonly source: string;
  readonly status: number;
  /** The body (exact), or the gateway's error log line for a 500. */
  readonly body?: string;
  readonly logged?: RegExp;
}

const CASES: Case[] = [
  { name: 'os.execute does not exist', source: 'os.execute("id")', status: 500, logged: /access\[0\]:1: attempt to call a nil value \(field 'execute'\)/ },
  { name: 'io.open does not exist', source: 'local f = io.open("/etc/passwd")', status: 500, logged: /attempt to call a nil value \(field 'open'\)/ },
  { name: "require 'os' is refused (Kong's message)", source: 'local os = require "os"', status: 500, logged: /require 'os' not allowed within sandbox/ },
  { name: 'require of a module Kong would need untrusted_lua_sandbox_requires for', source: 'require("resty.http")', status: 500, logged: /require 'resty.http' not allowed within sandbox/ },
  {
    name: 'what the sandbox leaves out is nil',
    source:
      'local out = {}\nfor _, n in ipairs({ "load", "loadstring", "dofile", "setmetatable", "getmetatable", "rawset", "collectgarbage", "debug", "package" }) do out[#out + 1] = tostring(_G[n]) end\nfor _, v in ipairs({ "exit", "getenv", "remove" }) do out[#out + 1] = tostring(os[v]) end\nreturn kong.response.exit(200, table.concat(out, ","))',
    status: 200,
    body: new Array(12).fill('nil').join(','),
  },
  { name: 'libraries are read-only', source: 'string.rep = nil', status: 500, logged: /Cannot modify string\.rep\. Protected by the sandbox\./ },
  { name: 'kong is read-only', source: 'kong.request = nil', status: 500, logged: /Cannot modify kong\.request\. Protected by the sandbox\./ },
  { name: 'an endless loop hits the time budget', source: 'while true do end', status: 500, logged: /access\[0\]: exceeded its time budget of 1000 ms/ },
  {
    name: 'pcall cannot swallow the time budget',
    source: 'while true do pcall(function() while true do end end) end',
    status: 500,
    logged: /exceeded its time budget of 1000 ms/,
  },
  {
    name: 'an allocation past the budget (64 MiB per call) fails',
    source: 'local s = ("x"):rep(100 * 1024 * 1024)',
    status: 500,
    logged: /not enough memory/,
  },
  {
    name: 'a PDK call outside its phase: the PDK\'s message at the caller\'s line',
    source: 'local x = 1\nlocal s = kong.response.get_status()',
    status: 500,
    logged: /access\[0\]:2: function kong\.response\.get_status cannot be called in access phase/,
  },
  {
    name: 'multiple return values: local ok, err = …',
    source: 'local ok, err = kong.service.set_upstream("nope")\nreturn kong.response.exit(200, tostring(ok) .. "|" .. err)',
    status: 200,
    body: "nil|could not find an Upstream named 'nope'",
  },
  {
    name: 'cjson.safe returns nil, err; cjson raises',
    source: 'local safe = require "cjson.safe"\nlocal v, err = safe.decode("{bad")\nlocal ok = pcall(require("cjson").decode, "{bad")\nreturn kong.response.exit(200, tostring(v) .. "|" .. tostring(err ~= nil) .. "|" .. tostring(ok))',
    status: 200,
    body: 'nil|true|false',
  },
  {
    name: 'ngx.re.gsub with a template and a function, ngx.re.find',
    source: 'local a = ngx.re.gsub("a1b22", [[\\d+]], "<$0>")\nlocal b = ngx.re.gsub("hello world", [[(\\w+)]], function(m) return m[1]:upper() end)\nlocal from, to = ngx.re.find("xxabc", "abc", "jo")\nreturn kong.response.exit(200, a .. "|" .. b .. "|" .. from .. "-" .. to)',
    status: 200,
    body: 'a<1>b<22>|HELLO WORLD|3-5',
  },
  {
    name: 'kong.response.exit inside pcall still stops the function (Kong yields out of the plugin)',
    source: 'pcall(kong.response.exit, 418, "teapot")\nerror("never reached")',
    status: 418,
    body: 'teapot',
  },
  {
    name: 'LuaJIT names on Lua 5.4: unpack, bit, math.pow, table.getn',
    source: 'local a, b = unpack({ 1, 2 })\nreturn kong.response.exit(200, table.concat({ a + b, bit.band(0xff, 0x0f), bit.tohex(255, 2), math.pow(2, 3), table.getn({ 1, 2, 3 }) }, ","))',
    status: 200,
    body: '3,15,ff,8.0,3',
  },
];

t.test('the Lua sandbox', async (t) => {
  const up = await startUpstream('up');
  t.teardown(() => up.close());
  const routes = CASES.map(
    (c, i) =>
      `\n      - name: c${i}\n        paths: [/c${i}]\n        plugins:\n          - name: pre-function\n            config:\n              access:\n                - ${JSON.stringify(c.source)}`,
  ).join('');
  const gw = await startTestGateway(`_format_version: "3.0"\nservices:\n  - name: s\n    url: ${up.url}\n    routes:${routes}\n      - name: ok\n        paths: [/ok]\n`);
  t.teardown(() => gw.close());
  for (const [i, c] of CASES.entries()) {
    await t.test(c.name, async (t) => {
      const started = Date.now();
      const res = await request(gw.port, `/c${i}`);
      t.equal(res.status, c.status);
      if (c.body !== undefined) t.equal(res.body, c.body);
      if (c.logged) {
        const line = gw.logs.find((l) => c.logged!.test(JSON.stringify(l)));
        t.ok(line, `logged: ${String(c.logged)}`);
        t.match(res.json(), { message: 'An unexpected error occurred' }, "Kong's 500 body");
      }
      t.ok(Date.now() - started < 5000, 'answered within the budget');
      t.equal((await request(gw.port, '/ok')).status, 200, 'the gateway goes on serving');
    });
  }
});

t.test('globals: kept per function across requests, never shared between functions (Kong: one env per function)', async (t) => {
  const up = await startUpstream('up');
  t.teardown(() => up.close());
  const gw = await startTestGateway(`_format_version: "3.0"
services:
  - name: s
    url: ${up.url}
    routes:
      - name: a
        paths: [/a]
        plugins:
          - name: pre-function
            config:
              access: ["hits = (hits or 0) + 1\\nkong.service.request.set_header('x-hits', hits)"]
      - name: b
        paths: [/b]
        plugins:
          - name: pre-function
            config:
              access: ["kong.service.request.set_header('x-hits', tostring(hits) .. ',' .. tostring(_G.hits))"]
`);
  t.teardown(() => gw.close());
  await request(gw.port, '/a');
  await request(gw.port, '/a');
  t.equal(up.seen[1]!.headers['x-hits'], '2', 'the same function counts on');
  await request(gw.port, '/b');
  t.equal(up.seen[2]!.headers['x-hits'], 'nil,nil', 'another function does not see it');
});
