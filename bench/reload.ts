/**
 * Big-config cost (issue 15 "Big configs"): a kong.yaml of N mixed routes (bench/router-mix.ts: prefix paths, half
 * regex paths, exact, wildcard and ported hosts, headers, methods, snis) over services, upstreams with targets and
 * plugins. Reports start time, save → serving time per reload (median), the worst event-loop stall while a
 * reload runs (the gateway's own figure from its reload line, and the worst latency of a client that sends a
 * request every 5 ms), failed requests (must be 0), and RSS after start, after each reload, at peak and at rest
 * (once the idle load worker has exited).
 * Each reload changes one route and one plugin (the probe), as an edit usually does.
 *   npm run bench:reload [-- --routes 10000 --rounds 7]
 *   npm run bench:reload -- --routes 100000 --rounds 3
 *   npm run bench:reload -- --emit /tmp/big.yaml   (writes the file, for profiling, and exits)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { RouteLike } from '../src/router/types.js';
import { DIST_BENCH, freePort, startUpstream, stop, track } from './lib.js';
import { mixRoutes } from './router-mix.js';

const { values } = parseArgs({
  options: { routes: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '7' }, 'settle-ms': { type: 'string', default: '1500' }, emit: { type: 'string' }, 'rest-ms': { type: 'string', default: '12000' } },
});
const ROUTES = Number(values.routes);
const ROUNDS = Number(values.rounds);
const SETTLE_MS = Number(values['settle-ms']);
/** Quiet time after the last reload before the RSS at rest is read: past the load worker's idle exit (10 s). */
const REST_MS = Number(values['rest-ms']);
/** One service per this many routes; every other service sits behind an upstream with two targets. */
const ROUTES_PER_SERVICE = 100;
const TICK_MS = 5;

const q = (s: string) => JSON.stringify(s);
const list = (xs: readonly string[]) => `[${xs.map(q).join(', ')}]`;

function routeYaml(r: RouteLike, extra = ''): string {
  let s = `      - name: ${r.name}\n        protocols: ${list(r.protocols)}\n`;
  if (r.paths) s += `        paths: ${list(r.paths)}\n`;
  if (r.hosts) s += `        hosts: ${list(r.hosts)}\n`;
  if (r.methods) s += `        methods: ${list(r.methods)}\n`;
  if (r.snis) s += `        snis: ${list(r.snis)}\n`;
  if (r.headers) s += `        headers: { ${Object.entries(r.headers).map(([k, v]) => `${q(k)}: ${list(v)}`).join(', ')} }\n`;
  return s + extra;
}

/** The file for generation g: the probe route's paths and its plugin's message change with g, nothing else does. */
function config(port: number, routes: readonly RouteLike[], g: number): string {
  const services = Math.max(1, Math.ceil(routes.length / ROUTES_PER_SERVICE));
  let s = `_format_version: "3.0"\nplugins:\n  - name: correlation-id\n    config: { header_name: x-bench-id }\nupstreams:\n`;
  for (let k = 0; k < services; k += 2) {
    s += `  - name: pool${k}\n    targets:\n      - target: 127.0.0.1:${port}\n        weight: 100\n      - target: localhost:${port}\n        weight: 50\n`;
  }
  s += 'services:\n';
  for (let k = 0; k < services; k++) {
    s += `  - name: s${k}\n    url: http://${k % 2 === 0 ? `pool${k}` : `127.0.0.1:${port}`}/\n`;
    if (k % 5 === 0) s += `    plugins:\n      - name: response-transformer\n        config: { add: { headers: ["x-svc:s${k}"] } }\n`;
    s += '    routes:\n';
    if (k === 0) {
      s += `      - name: probe\n        paths: [/probe, /probe-${g}]\n        plugins:\n          - name: request-termination\n`;
      s += `            config: { status_code: 200, message: "gen-${g}" }\n`;
    }
    for (let i = k * ROUTES_PER_SERVICE; i < Math.min(routes.length, (k + 1) * ROUTES_PER_SERVICE); i++) {
      const plugin = i % 50 === 7 ? `        plugins:\n          - name: request-transformer\n            config: { add: { headers: ["x-r:${i}"] } }\n` : '';
      s += routeYaml(routes[i]!, plugin);
    }
  }
  return s;
}

/** Requests the mix's routes answer from the upstream (a regex path, a header route, a prefix route). */
function target(n: number, k: number): { path: string; headers: Record<string, string> } {
  const base = (k * 7919) % Math.max(10, n - 10);
  const i = base - (base % 10);
  switch (k % 3) {
    case 0:
      return { path: `/Shop${i + 2}/item-${k}`, headers: {} };
    case 1:
      return { path: `/svc${i + 4}/v2/status`, headers: { 'x-tenant': `t${i + 4}` } };
    default:
      return { path: `/api/v${(i + 8) % 7}/p${i + 8}/x`, headers: { 'x-version': `v${(i + 8) % 3}` } };
  }
}

function procStatus(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

interface Sample {
  start: number;
  ms: number;
  ok: boolean;
}

/** Open loop: one request every TICK_MS whatever the answers do, so a stalled gateway shows as latency. */
function pacedClient(port: number, n: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const samples: Sample[] = [];
  let k = 0;
  let inflight = 0;
  const send = () => {
    const t = target(n, k++);
    const start = performance.now();
    inflight++;
    const done = (ok: boolean) => {
      inflight--;
      samples.push({ start, ms: performance.now() - start, ok });
    };
    const req = request({ host: '127.0.0.1', port, path: t.path, headers: t.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode === 200));
      res.on('error', () => done(false));
    });
    req.on('error', () => done(false));
    req.end();
  };
  const timer = setInterval(send, TICK_MS);
  return {
    samples,
    async stop() {
      clearInterval(timer);
      for (let i = 0; i < 400 && inflight > 0; i++) await sleep(25);
      agent.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function probe(port: number, path: string, want: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes(want)));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function until(port: number, path: string, want: string, t0: number, limitMs: number): Promise<number> {
  for (;;) {
    if (await probe(port, path, want)) return performance.now() - t0;
    if (performance.now() - t0 > limitMs) throw new Error(`${path} did not answer ${want} within ${limitMs} ms`);
    await sleep(5);
  }
}

/** The gateway's JSON log (stderr): reload lines carry its own duration and event-loop stall; warnings pass through. */
function reloadLines(gw: ChildProcess): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: gw.stderr! }).on('line', (l) => {
    let o: Record<string, unknown> | null = null;
    try {
      o = JSON.parse(l) as Record<string, unknown>;
    } catch {
      // not a log line
    }
    if (o?.msg === 'config reloaded' || o?.msg === 'config reload failed; the previous configuration keeps serving') lines.push(o);
    else if (o === null || o.level === 'warn' || o.level === 'error') process.stderr.write(`gateway: ${l}\n`);
  });
  return lines;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');

async function main(): Promise<void> {
  if (values.emit !== undefined) return writeFile(values.emit, config(8080, mixRoutes(ROUTES), 0));
  const dir = await mkdtemp(join(tmpdir(), 'sluice-reload-'));
  const up = await startUpstream();
  const routes = mixRoutes(ROUTES);
  // Every file is written before anything is timed: generating 100 000 routes would stall the bench itself.
  const texts = Array.from({ length: ROUNDS + 1 }, (_, g) => config(up.port, routes, g));
  const file = join(dir, 'kong.yaml');
  await writeFile(file, texts[0]!);
  const port = await freePort();
  const t0 = performance.now();
  const gw = track(
    spawn(process.execPath, [join(DIST_BENCH, 'run-sluice.js'), 'start', '-c', file, '--proxy-listen', `127.0.0.1:${port}`, '--admin-listen', 'off', '--status-listen', 'off', '--log-level', 'info', '--log-format', 'json'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  const lines = reloadLines(gw);
  try {
    const startMs = await until(port, '/probe', 'gen-0', t0, 120_000);
    await sleep(SETTLE_MS);
    const afterStart = procStatus(gw.pid!);
    console.log(`${ROUTES} mixed routes, ${(texts[0]!.length / 1e6).toFixed(1)} MB of YAML; gateway pid ${gw.pid}`);
    console.log(`  start → serving: ${f0(startMs)} ms; RSS after start ${f0(afterStart.rss)} MB`);
    const client = pacedClient(port, ROUTES);
    await sleep(500);
    const rows: { save: number; gwMs: number; gwStall: number; worst: number; rss: number }[] = [];
    for (let g = 1; g <= ROUNDS; g++) {
      const t = performance.now();
      await writeFile(file, texts[g]!);
      const save = await until(port, `/probe-${g}`, `gen-${g}`, t, 60_000);
      await sleep(SETTLE_MS);
      const line = lines[g - 1];
      const worst = Math.max(0, ...client.samples.filter((s) => s.start >= t - 50).map((s) => s.ms));
      rows.push({
        save,
        gwMs: Number(line?.duration_ms ?? NaN),
        gwStall: Number(line?.loop_stall_ms ?? NaN),
        worst,
        rss: procStatus(gw.pid!).rss,
      });
    }
    await client.stop();
    const peak = procStatus(gw.pid!);
    const failed = client.samples.filter((s) => !s.ok).length;
    console.log(`  reloads (each changes one route and one plugin; save → serving includes the watcher's 100 ms debounce):`);
    console.log('  round  save→serving ms  gateway reload ms  gateway loop stall ms  worst client latency ms  RSS MB');
    rows.forEach((r, i) =>
      console.log(`  ${String(i + 1).padStart(5)}  ${f0(r.save).padStart(15)}  ${f0(r.gwMs).padStart(17)}  ${f0(r.gwStall).padStart(21)}  ${f0(r.worst).padStart(23)}  ${f0(r.rss).padStart(6)}`),
    );
    console.log(`  median save → serving ${f0(median(rows.map((r) => r.save)))} ms; median gateway reload ${f0(median(rows.map((r) => r.gwMs)))} ms`);
    console.log(`  worst stall: gateway ${f0(Math.max(...rows.map((r) => r.gwStall).filter(Number.isFinite)))} ms, client ${f0(Math.max(...rows.map((r) => r.worst)))} ms (request every ${TICK_MS} ms)`);
    console.log(`  requests ${client.samples.length}, failed ${failed}`);
    console.log(`  RSS after start ${f0(afterStart.rss)} MB, after ${ROUNDS} reloads ${f0(rows[rows.length - 1]?.rss ?? NaN)} MB, peak ${f0(peak.hwm)} MB`);
    await sleep(REST_MS);
    const rest = procStatus(gw.pid!);
    console.log(`  RSS at rest (${(REST_MS / 1000).toFixed(0)} s after the last reload, the load worker gone) ${f0(rest.rss)} MB`);
  } finally {
    await stop(gw);
    up.server.close();
    up.server.closeAllConnections();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
