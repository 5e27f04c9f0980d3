/**
 * What one serverless function call costs in Lua against the same function in JavaScript, on the real PDK
 * (createPdk over a request state, as src/proxy/plugin-flow.ts builds it), in ns per call and as a ratio.
 * Rounds alternate the two languages; the median is printed.
 *   npm run bench:build && node dist-bench/bench/pdk-serverless.js [--iterations 200000 --rounds 5]
 */
import { parseArgs } from 'node:util';
import { createPdk, type Pdk } from '../src/pdk/kong.js';
import type { PdkEnvironment } from '../src/pdk/namespace.js';
import { RequestState } from '../src/pdk/state.js';
import { compileSource } from '../src/plugins/serverless/handler.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } } });
const ITERATIONS = Number(values.iterations);

/** The same functions in both languages; `-- lua` makes a source valid in both run as Lua. */
const FUNCTIONS: readonly { name: string; js: string; lua: string }[] = [
  { name: 'empty function', js: 'return', lua: '-- lua\nreturn' },
  { name: 'one PDK call (set_header)', js: "kong.service.request.set_header('x-served-by', 'sluice')", lua: "-- lua\nkong.service.request.set_header('x-served-by', 'sluice')" },
  {
    name: 'read a header, branch, set one',
    js: "const v = kong.request.get_header('apikey'); if (v !== null) kong.service.request.set_header('x-key', v)",
    lua: 'local v = kong.request.get_header("apikey") if v then kong.service.request.set_header("x-key", v) end',
  },
];

function pdk(): Pdk {
  const req = {
    headers: { host: 'api.test', apikey: 'k', 'user-agent': 'bench' },
    socket: { remoteAddress: '127.0.0.1', remotePort: 40000, localPort: 8000 },
    method: 'GET',
    httpVersion: '1.1',
  };
  const state = new RequestState(req as never, { statusCode: 200 } as never, 'id', 'http', '/p', '', 0);
  state.phase = 'access';
  state.currentPlugin = { id: 'p1', name: 'bench' };
  state.upstream = { protocol: 'http', host: 'u', port: 80, method: 'GET', path: '/p', headers: { host: 'u' }, connectTimeout: 1, writeTimeout: 1, readTimeout: 1, retries: 0 };
  const env = { plan: { balancers: new Map() }, logger: null, nodeId: 'n', hostname: 'h', maxBodyBytes: 1 } as unknown as PdkEnvironment;
  return createPdk(state, env);
}

function time(fn: (kong: unknown) => unknown, kong: Pdk): number {
  for (let i = 0; i < ITERATIONS / 10; i++) fn(kong);
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) fn(kong);
  return Number(process.hrtime.bigint() - start) / ITERATIONS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`${ITERATIONS} calls × ${values.rounds} rounds, median ns per call (same process, same PDK)`);
console.log('function                           JavaScript        Lua   Lua / JS');
for (const f of FUNCTIONS) {
  const js = compileSource(f.js, 'bench.js', { timeoutMs: 1000 });
  const lua = compileSource(f.lua, 'bench.lua', { timeoutMs: 1000 });
  const kong = pdk();
  const runs: { js: number[]; lua: number[] } = { js: [], lua: [] };
  for (let r = 0; r < Number(values.rounds); r++) {
    if (r % 2 === 0) {
      runs.js.push(time(js, kong));
      runs.lua.push(time(lua, kong));
    } else {
      runs.lua.push(time(lua, kong));
      runs.js.push(time(js, kong));
    }
  }
  const j = median(runs.js);
  const l = median(runs.lua);
  console.log(`${f.name.padEnd(34)} ${j.toFixed(0).padStart(10)} ${l.toFixed(0).padStart(10)} ${(l / j).toFixed(1).padStart(9)}×`);
}
