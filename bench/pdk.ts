/**
 * What the `kong` object costs per request: createPdk, then a typical plugin call sequence (an auth plugin's
 * header reads and upstream headers in access, a rate limiter's response headers in header_filter), in ns per
 * request. With `--before DIR` (another checkout, built with `npx tsc -p tsconfig.bench.json`), both trees run
 * in the same invocation, in alternating child processes, and the ratio is printed.
 *   npm run bench:pdk [-- --before /tmp/pdk-before --iterations 2000000 --rounds 5]
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    iterations: { type: 'string', default: '2000000' },
    rounds: { type: 'string', default: '5' },
    probe: { type: 'string' },
  },
});
const ITERATIONS = Number(values.iterations);

/** This tree's compiled output (dist-bench), where bench/pdk.js itself lives. */
const HERE = fileURLToPath(new URL('..', import.meta.url));

interface Result {
  createOnly: number;
  withCalls: number;
}

/** The part of either tree's `kong` object the bench calls. */
type Fn = (...args: unknown[]) => unknown;
interface Kong {
  request: { get_header: Fn; get_method: Fn };
  client: { get_forwarded_ip: Fn };
  router: { get_service: Fn };
  response: { get_status: Fn; set_header: Fn; get_header: Fn };
  service: { request: { set_header: Fn; clear_header: Fn } };
  ctx: { shared: Record<string, unknown>; plugin: Record<string, unknown> };
}

/** Runs in a child process: loads one tree's PDK and times it. */
async function probe(dist: string): Promise<Result> {
  const { createPdk } = (await import(pathToFileURL(join(dist, 'src/pdk/kong.js')).href)) as { createPdk: (s: unknown, e: unknown) => Kong };
  const { RequestState } = (await import(pathToFileURL(join(dist, 'src/pdk/state.js')).href)) as {
    RequestState: new (...args: unknown[]) => { phase: string; upstream: unknown; responseHeaders: unknown; responseStatus: number; currentPlugin: unknown };
  };
  const req = {
    headers: { host: 'api.test', apikey: 'k', 'content-type': 'application/json', 'user-agent': 'bench' },
    socket: { remoteAddress: '127.0.0.1', remotePort: 40000, localPort: 8000 },
    method: 'GET',
    httpVersion: '1.1',
  };
  const res = { statusCode: 200, getHeaders: () => ({}) };
  const env = { plan: { balancers: new Map(), consumersById: new Map(), consumersByUsername: new Map() }, logger: null, nodeId: 'n', hostname: 'h', maxBodyBytes: 1 };
  const state = new RequestState(req, res, 'id', 'http', '/p', '', 0);
  state.currentPlugin = { id: 'p1', name: 'bench' };
  state.upstream = { protocol: 'http', host: 'u', port: 80, method: 'GET', path: '/p', headers: { host: 'u' }, connectTimeout: 1, writeTimeout: 1, readTimeout: 1, retries: 0 };
  state.responseHeaders = { 'content-type': 'application/json' };
  state.responseStatus = 200;

  let sink = 0;
  const calls = (kong: Kong) => {
    state.phase = 'access';
    if (kong.request.get_header('apikey') !== null) sink++;
    if (kong.request.get_method() === 'GET') sink++;
    if (kong.client.get_forwarded_ip() !== '') sink++;
    if (kong.router.get_service() === null) sink++;
    kong.service.request.set_header('x-consumer-id', 'c1');
    kong.service.request.clear_header('x-credential-identifier');
    kong.ctx.shared.authenticated = true;
    kong.ctx.plugin.seen = 1;
    state.phase = 'header_filter';
    if (kong.response.get_status() === 200) sink++;
    kong.response.set_header('x-ratelimit-remaining', '9');
    if (kong.response.get_header('content-type') !== null) sink++;
  };
  const time = (fn: () => void): number => {
    for (let i = 0; i < ITERATIONS / 10; i++) fn(); // warm up
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) fn();
    return Number(process.hrtime.bigint() - start) / ITERATIONS;
  };
  const createOnly = time(() => {
    if (createPdk(state, env).request !== null) sink++;
  });
  const withCalls = time(() => calls(createPdk(state, env)));
  if (sink === 42) console.error('unlikely');
  return { createOnly, withCalls };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  if (values.probe !== undefined) {
    console.log(JSON.stringify(await probe(values.probe)));
    return;
  }
  const trees: { name: string; dist: string }[] = [{ name: 'this tree', dist: HERE }];
  if (values.before !== undefined) trees.push({ name: `before (${values.before})`, dist: join(values.before, 'dist-bench') });
  const runs = new Map<string, Result[]>(trees.map((t) => [t.name, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const tree of round % 2 === 0 ? trees : [...trees].reverse()) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--probe', tree.dist, '--iterations', String(ITERATIONS)], { encoding: 'utf8' });
      runs.get(tree.name)!.push(JSON.parse(out) as Result);
    }
  }
  console.log(`${ITERATIONS} requests × ${values.rounds} rounds per tree, median ns per request`);
  console.log('tree                                   createPdk   createPdk + calls');
  const med = new Map<string, Result>();
  for (const tree of trees) {
    const rs = runs.get(tree.name)!;
    const m = { createOnly: median(rs.map((r) => r.createOnly)), withCalls: median(rs.map((r) => r.withCalls)) };
    med.set(tree.name, m);
    console.log(`${tree.name.padEnd(38)} ${m.createOnly.toFixed(1).padStart(9)} ${m.withCalls.toFixed(1).padStart(19)}`);
  }
  if (trees.length === 2) {
    const now = med.get(trees[0]!.name)!;
    const before = med.get(trees[1]!.name)!;
    console.log(`before / this tree: createPdk ${(before.createOnly / now.createOnly).toFixed(2)}×, createPdk + calls ${(before.withCalls / now.withCalls).toFixed(2)}×`);
  }
}

await main();
