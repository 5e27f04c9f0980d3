/**
 * The Lua `kong` table is the PDK itself: every function of src/pdk/phase-rules.ts (and kong.websocket's) is
 * bound by name to the JS method, so nothing is implemented twice; the multiple-return list names real PDK
 * functions. Also the value rules Kong code relies on (lua-cjson's, src/plugins/serverless/lua/values.ts).
 */
import t from 'tap';
import { PDK_PHASES } from '../../src/pdk/phase-rules.js';
import { WEBSOCKET_PDK_PHASES } from '../../src/pdk/websocket.js';
import { compileSource } from '../../src/plugins/serverless/handler.js';
import { encodeJson, hostOps, MULTIPLE_RETURNS, PDK_FUNCTIONS } from '../../src/plugins/serverless/lua/host-ops.js';

const all = new Set([...Object.keys(PDK_PHASES), ...Object.keys(WEBSOCKET_PDK_PHASES)]);

t.test('every PDK function is a host operation of the same name', async (t) => {
  const ops = new Set(hostOps().map((o) => o.name));
  for (const name of all) if (!name.startsWith('kong.ctx.')) t.ok(ops.has(name), name);
  t.same(PDK_FUNCTIONS.filter((n) => !all.has(n)), [], 'and nothing else is bound as a PDK function');
  for (const name of MULTIPLE_RETURNS) t.ok(all.has(name), `${name} (multiple returns) is a PDK function`);
});

t.test('every kong.* name is reachable from Lua code', async (t) => {
  // A function that errors on the first missing name; run where no request is needed: only lookups.
  const lookups = PDK_FUNCTIONS.map((n) => `assert(type(${n}) == "function", "${n}")`).join('\n');
  const fn = compileSource(`-- lua\n${lookups}\nreturn kong.response.exit(200)`, 'lookups', { timeoutMs: 1000 });
  let exited: unknown[] | null = null;
  const kong = { phase: 'access', response: { exit: (...a: unknown[]) => (exited = a) } };
  fn(kong);
  t.same(exited, [200], 'every name resolved, and the call reached the PDK object it was given');
});

t.test("cjson's encoding: / escaped, arrays and objects, no NaN", async (t) => {
  t.equal(encodeJson({ url: 'http://x/y', list: [1, 'a'] }), '{"url":"http:\\/\\/x\\/y","list":[1,"a"]}');
  t.throws(() => encodeJson({ n: Number.NaN }), /Cannot serialise number/);
  const fn = compileSource(
    '-- lua\nlocal cjson = require "cjson"\nreturn kong.response.exit(200, cjson.encode({ empty = {}, arr = setmetatable and {} or cjson.empty_array, sparse = { [1] = 1, [3] = 3 }, n = 1.5, i = 2 }))',
    'json',
    { timeoutMs: 1000 },
  );
  let body: unknown;
  fn({ phase: 'access', response: { exit: (_s: number, b: unknown) => (body = b) } });
  t.same(JSON.parse(String(body)), { empty: {}, arr: [], sparse: [1, null, 3], n: 1.5, i: 2 });
});

t.test('a Lua table key named like an Object member is a key', async (t) => {
  // Before: `__proto__` vanished on the way to JS (an assignment to an object's prototype).
  const fn = compileSource('-- lua\nreturn kong.response.exit(200, { ["__proto__"] = "p", constructor = "c" })', 'proto', { timeoutMs: 1000 });
  let body: unknown;
  fn({ phase: 'access', response: { exit: (_s: number, b: unknown) => (body = b) } });
  t.same(Object.keys(body as object).sort(), ['__proto__', 'constructor']);
  t.equal((body as Record<string, unknown>).constructor, 'c');
});
