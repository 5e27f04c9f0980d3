/**
 * What one proxied request costs, side by side in one invocation (issue 15's table): direct to the upstream,
 * nginx as a reverse proxy, bare undici dispatch behind node:http, bare http-proxy 1.18 with a keep-alive agent (also
 * adding the headers Kong adds both ways: what node:http charges for them is a floor no http-proxy gateway avoids),
 * sluice on both engines with one route, sluice with cheap plugins, with auth plugins and with 10 000 mixed routes;
 * then 1 MiB responses and 64 KiB POSTs through bare undici and sluice.
 *   npm run bench:proxy [-- --seconds 5 --connections 50 --rounds 3 --rate 200 --only sluice,undici --routes 10000]
 *
 * What is measured, and why so:
 * - CPU µs per request: utime + stime of the proxy's process (and anything it forked: nginx's worker) read from
 *   /proc/<pid>/stat before and after a closed-loop wrk run, divided by the requests wrk completed. Only the
 *   proxy's own CPU counts, so the load generator, the upstream and the other engineers' work on this shared
 *   2-core machine change it little; req/s moves with all of them, so the ratios of µs/req are the result.
 * - The load generator is wrk (-t1, C and so lighter than a Node client; autocannon when wrk is missing).
 * - p99 latency at a fixed offered load (--rate req/s over --rate-connections connections, below every target's
 *   capacity): a wrk Lua script hands out send slots 1/rate apart from one monotonic clock (lib.ts's wrkScript),
 *   so every target sees the same offered load. A p99 marked `!` came from a target whose measured capacity was
 *   under 1.25× the rate: that latency is queueing, not cost. The same run's µs/req (`µs@rate`) is the cost at an
 *   equal, unsaturated load.
 * - The upstream is nginx returning fixed bodies when installed (cheaper than any Node server), else
 *   bench/http-server.ts; the report says which. Every target gets a warm-up run (JIT, pools) before it is timed.
 * - Every target is started once and stays up; `--rounds N` repeats the whole sequence N times (each round
 *   rotated by one target) and reports medians (µs/req with its min–max over rounds), so every target sees the
 *   same spread of the machine's load; more, shorter rounds beat fewer, longer ones on a shared machine.
 *   `--only a,b` runs those targets (ids in the first column).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load, loadAverage, type LoadResult, ratio, summarize, table, which, withTempDir } from './lib.js';
import { mixRoutes } from './router-mix.js';
import { type Running, startNginxProxy, startNodeServer, startSluice, startUpstreamServer, type Upstream } from './servers.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '1' },
    rate: { type: 'string', default: '200' },
    'rate-connections': { type: 'string', default: '10' },
    routes: { type: 'string', default: '10000' },
    only: { type: 'string', default: '' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const rate = Number(values.rate);
const ROUTES = Number(values.routes);

type Kind = 'small' | 'big' | 'post';
const KINDS: Record<Kind, { label: string; path?: string; method?: string; bodyBytes?: number }> = {
  small: { label: 'small GET' },
  big: { label: '1 MiB GET', path: '/big' },
  post: { label: '64 KiB POST', method: 'POST', bodyBytes: 64 << 10 },
};

interface Target {
  id: string;
  name: string;
  kinds: Kind[];
  start(dir: string, up: Upstream): Promise<Running>;
  path?: string;
  headers?: Record<string, string>;
  /** Issue 15's goal for this row: µs/req at most `max` × the `ref` target's. */
  goal?: { ref: string; max: number };
}

function kong(up: number, plugins = '', extra = ''): string {
  return `_format_version: "3.0"\n${extra}services:\n  - name: up\n    url: http://127.0.0.1:${up}\n    routes:\n      - name: all\n        paths: [/]\n${plugins ? `        plugins:\n${plugins}` : ''}`;
}

/** Routes i of bench/router-mix.ts's mix as kong.yaml (JSON is YAML), plus a service "target" for route `hit`. */
function mixConfig(up: number, n: number, hit: number): string {
  const routes = mixRoutes(n).map((r) => {
    const out: Record<string, unknown> = { name: r.name, protocols: r.protocols };
    for (const k of ['methods', 'hosts', 'paths', 'headers', 'snis'] as const) if (r[k] !== null) out[k] = r[k];
    return out;
  });
  const target = routes.splice(hit, 1);
  return JSON.stringify({
    _format_version: '3.0',
    services: [
      { name: 'up', url: `http://127.0.0.1:${up}`, routes },
      { name: 'target', url: `http://127.0.0.1:${up}/hit`, routes: target },
    ],
  });
}

async function sluice(dir: string, name: string, text: string, engine: string, probe = '/', headers: Record<string, string> = {}, expect = 'hello'): Promise<Running> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, text);
  const gw = await startSluice(file, engine, probe, headers);
  if (!gw.probeBody.includes(expect)) {
    await gw.stop();
    throw new Error(`${name}: probe answered ${JSON.stringify(gw.probeBody.slice(0, 80))}, not the upstream's "${expect}"`);
  }
  return gw;
}

// Route `HIT` is a regex route of kind 0 in the middle of the mix (GET, no host): the request below reaches it.
const HIT = Math.max(0, Math.floor((ROUTES - 3) / 20) * 10);
const HIT_PATH = `/api/v${HIT % 7}/svc${HIT}/items/42`;
const APIKEY = { apikey: 'bench-key' };
const RL = `          - name: rate-limiting\n            config: { second: 100000000, policy: local }\n`;

const TARGETS: Target[] = [
  { id: 'direct', name: 'direct to upstream', kinds: ['small'], start: async (_d, up) => ({ pid: up.pid, port: up.port, stop: async () => undefined }) },
  { id: 'nginx', name: 'nginx reverse proxy', kinds: ['small'], start: (d, up) => startNginxProxy(d, up.port) },
  { id: 'undici', name: 'bare undici dispatch', kinds: ['small', 'big', 'post'], start: (_d, up) => startNodeServer('baseline-undici.js', [String(up.port)]) },
  { id: 'http-proxy', name: 'bare http-proxy 1.18', kinds: ['small'], start: (_d, up) => startNodeServer('baseline-http-proxy.js', [String(up.port)]) },
  // The same, sending and answering the headers Kong adds by default: the floor for a Kong-compatible gateway on http-proxy.
  {
    id: 'http-proxy-kh',
    name: 'bare http-proxy + Kong headers',
    kinds: ['small'],
    start: (_d, up) => startNodeServer('baseline-http-proxy.js', [String(up.port), 'kong-headers']),
  },
  {
    id: 'sluice',
    name: 'sluice undici, 1 route',
    kinds: ['small', 'big', 'post'],
    goal: { ref: 'undici', max: 1.05 },
    start: (d, up) => sluice(d, 'one', kong(up.port), 'undici'),
  },
  {
    id: 'sluice-hp',
    name: 'sluice http-proxy, 1 route',
    kinds: ['small'],
    goal: { ref: 'http-proxy', max: 1.0 },
    start: (d, up) => sluice(d, 'one-hp', kong(up.port), 'http-proxy'),
  },
  {
    id: 'sluice-cid-rl',
    name: 'sluice + correlation-id + rate-limiting',
    kinds: ['small'],
    goal: { ref: 'sluice', max: 1.15 },
    start: (d, up) => sluice(d, 'cid-rl', kong(up.port, `          - name: correlation-id\n${RL}`), 'undici'),
  },
  {
    id: 'sluice-auth',
    name: 'sluice + key-auth + acl + rate-limiting',
    kinds: ['small'],
    headers: APIKEY,
    goal: { ref: 'sluice', max: 1.25 },
    start: (d, up) =>
      sluice(
        d,
        'auth',
        kong(
          up.port,
          `          - name: key-auth\n          - name: acl\n            config: { allow: [bench-group] }\n${RL}`,
          `consumers:\n  - username: bench\n    keyauth_credentials: [{ key: bench-key }]\n    acls: [{ group: bench-group }]\n`,
        ),
        'undici',
        '/',
        APIKEY,
      ),
  },
  {
    id: 'sluice-10k',
    name: `sluice, ${ROUTES} mixed routes`,
    kinds: ['small'],
    path: HIT_PATH,
    goal: { ref: 'sluice', max: 1.1 },
    start: (d, up) => sluice(d, 'mix', mixConfig(up.port, ROUTES, HIT), 'undici', HIT_PATH, {}, 'hit'),
  },
];

type Key = `${string}/${Kind}`;
const closed = new Map<Key, LoadResult[]>();
const paced = new Map<string, LoadResult[]>();
const push = <K>(m: Map<K, LoadResult[]>, k: K, r: LoadResult) => m.set(k, [...(m.get(k) ?? []), r]);

async function measure(t: Target, p: Running, warm: boolean): Promise<void> {
  try {
    for (const kind of t.kinds) {
      const k = KINDS[kind];
      const spec = { url: `http://127.0.0.1:${p.port}${k.path ?? t.path ?? '/'}`, connections, ...(t.headers ? { headers: t.headers } : {}), ...(k.method ? { method: k.method } : {}), ...(k.bodyBytes ? { bodyBytes: k.bodyBytes } : {}) };
      if (warm) await load({ ...spec, seconds: 2 }); // warm-up: JIT, pools, caches
      const r = await load({ ...spec, seconds, cpuPid: p.pid });
      push(closed, `${t.id}/${kind}`, r);
      let line = `  ${t.id} ${k.label}: ${r.rps.toFixed(0)} req/s, ${r.usPerReq.toFixed(1)} µs/req, ${r.errors} errors`;
      if (kind === 'small') {
        const q = await load({ ...spec, seconds, connections: Number(values['rate-connections']), rate, cpuPid: p.pid });
        push(paced, t.id, q);
        line += `; at ${rate} req/s offered: ${q.rps.toFixed(0)} req/s, p99 ${q.p99ms.toFixed(2)} ms, ${q.usPerReq.toFixed(1)} µs/req`;
      }
      console.log(line);
    }
  } catch (err) {
    console.log(`  ${t.id}: failed (${(err as Error).message.split('\n')[0]})`);
  }
}

/** Every target started once, before the first round (an idle process costs nothing the others would see). */
async function startAll(selected: readonly Target[], dir: string, up: Upstream): Promise<Map<Target, Running>> {
  const started = new Map<Target, Running>();
  for (const t of selected) {
    try {
      started.set(t, await t.start(dir, up));
    } catch (err) {
      console.log(`  ${t.id}: skipped (${(err as Error).message.split('\n')[0]})`);
    }
  }
  return started;
}

function report(selected: readonly Target[], upstream: string): void {
  const s = (id: string, kind: Kind = 'small') => {
    const runs = closed.get(`${id}/${kind}`);
    return runs ? summarize(runs) : null;
  };
  const us = (id: string, kind: Kind = 'small') => s(id, kind)?.usPerReq ?? Number.NaN;
  const goal = (t: Target, kind: Kind) => {
    const g = kind === 'small' ? t.goal : t.id === 'sluice' ? { ref: 'undici', max: 1.2 } : undefined;
    if (!g) return '';
    const x = us(t.id, kind) / us(g.ref, kind);
    return Number.isFinite(x) ? `${x.toFixed(2)} ≤ ${g.max.toFixed(2)}× ${g.ref} ${x <= g.max ? 'yes' : 'NO'}` : `≤ ${g.max}× ${g.ref}`;
  };
  console.log(`\nproxy bench: ${values.rounds} round(s) of ${seconds}s per load, ${connections} connections (wrk -t1); upstream ${upstream}; median over rounds`);
  console.log(`p99 and µs@rate: ${rate} req/s offered over ${values['rate-connections']} connections; ! = capacity under 1.25× that rate\n`);
  const rows = selected
    .filter((t) => s(t.id) !== null)
    .map((t) => {
      const r = s(t.id)!;
      const q = paced.get(t.id) ? summarize(paced.get(t.id)!) : null;
      const proxy = t.id !== 'direct';
      return [
        t.id,
        t.name,
        r.rps.toFixed(0),
        `${r.usPerReq.toFixed(1)} (${r.usMin.toFixed(0)}–${r.usMax.toFixed(0)})`,
        proxy ? ratio(r.usPerReq, us('undici')) : '-',
        proxy ? ratio(r.usPerReq, us('http-proxy')) : '-',
        proxy ? ratio(r.usPerReq, us('nginx')) : '-',
        q ? `${q.p99ms.toFixed(2)}${r.rps < 1.25 * rate ? '!' : ''}` : '',
        q ? q.usPerReq.toFixed(1) : '',
        String(r.errors + (q?.errors ?? 0)),
        goal(t, 'small'),
      ];
    });
  console.log(table(['id', 'target', 'req/s', 'µs/req (min–max)', '×undici', '×http-proxy', '×nginx', 'p99 ms', 'µs@rate', 'errors', 'goal (issue 15)'], rows));

  if (s('sluice-hp') !== null && s('http-proxy-kh') !== null && s('http-proxy') !== null) {
    console.log(
      `\nhttp-proxy: Kong's default headers cost bare http-proxy ${ratio(us('http-proxy-kh'), us('http-proxy'))}×; ` +
        `sluice http-proxy is ${ratio(us('sluice-hp'), us('http-proxy-kh'))}× bare http-proxy with those headers`,
    );
  }

  const bodyRows: string[][] = [];
  for (const kind of ['big', 'post'] as const)
    for (const t of selected) {
      const r = s(t.id, kind);
      if (r) bodyRows.push([KINDS[kind].label, t.name, r.rps.toFixed(0), `${r.usPerReq.toFixed(1)} (${r.usMin.toFixed(0)}–${r.usMax.toFixed(0)})`, ratio(r.usPerReq, us('undici', kind)), String(r.errors), goal(t, kind)]);
    }
  if (bodyRows.length > 0) console.log(`\nbodies\n${table(['load', 'target', 'req/s', 'µs/req (min–max)', '×undici', 'errors', 'goal (issue 15)'], bodyRows)}`);
  if (!selected.some((t) => t.id === 'nginx') || !closed.has('nginx/small')) console.log('\n(nginx row absent: not selected, not installed or failed to start; its ratios read n/a)');
}

async function main(): Promise<void> {
  const only = values.only ? new Set(values.only.split(',')) : null;
  const unknown = [...(only ?? [])].filter((id) => !TARGETS.some((t) => t.id === id));
  if (unknown.length > 0) throw new Error(`--only: unknown target ${unknown.join(', ')} (known: ${TARGETS.map((t) => t.id).join(', ')})`);
  const hasNginx = await which('nginx');
  if (!hasNginx) console.log('nginx not installed: the nginx row is skipped and the upstream is bench/http-server.ts');
  if (!(await which('wrk'))) console.log('wrk not installed: autocannon generates the load (in this process: it competes for CPU)');
  const selected = TARGETS.filter((t) => (only === null || only.has(t.id)) && (t.id !== 'nginx' || hasNginx));
  console.log(`load average before: ${loadAverage()}`);
  await withTempDir('sluice-bench-proxy-', async (dir) => {
    const up = await startUpstreamServer(dir);
    let started = new Map<Target, Running>();
    try {
      started = await startAll(selected, dir, up);
      const order = [...started.keys()];
      for (let round = 0; round < Number(values.rounds); round++) {
        console.log(`round ${round + 1}`);
        // Each round starts one target later, so none always follows the same neighbour's load.
        for (let i = 0; i < order.length; i++) {
          const t = order[(i + round) % order.length]!;
          await measure(t, started.get(t)!, round === 0);
        }
      }
    } finally {
      for (const p of started.values()) await p.stop();
      await up.stop();
    }
    report(selected, up.kind === 'nginx' ? 'nginx (return 200 fixed body, 1 worker)' : 'node:http (bench/http-server.ts)');
  });
  console.log(`\nload average after: ${loadAverage()}`);
}

await main();
