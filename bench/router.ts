/**
 * Router match cost for a realistic mix at 100 / 1 000 / 10 000 / 100 000 routes (bench/router-mix.ts): half
 * regex paths (plain, with alternation, case-insensitive, optional groups), prefix paths, exact and wildcard
 * hosts, hosts with ports, header routes, methods and snis, plus a fixed handful of routes every request must
 * consider (a catch-all, a header-only route, a leading-alternation regex). Every fifth request misses its
 * route by one attribute and falls through.
 *
 * Two traffic shapes: requests aimed at 100 routes spread over the config (the index's own cost: what it
 * touches stays in cache), and at 2 000 routes (what a big config costs in cache misses as well). Beside each,
 * one Map.get on a Map of that many routes under the same traffic: the floor any index pays for its size.
 * Times are this process's CPU time (process.cpuUsage), not wall time, so other processes on a shared machine
 * do not count; sizes run in many short interleaved rounds and each figure is its fastest round (the one the
 * rest of the machine disturbed least), so a noisy machine slows every size alike: read the ratios. A fixed
 * loop is timed too, to compare machines. Build time and heap are the router's alone (not the route objects).
 *   npm run bench:router [-- --rounds 21 --ms 50]
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { parseArgs } from 'node:util';
import { buildLinearRouter, buildRouter } from '../src/router/index.js';
import type { Router } from '../src/router/types.js';
import { mixRequests, mixRoutes, mixTargets, uuid } from './router-mix.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '21' }, ms: { type: 'string', default: '50' } } });
const ROUNDS = Number(values.rounds);
const ROUND_MS = Number(values.ms);
const SIZES = [100, 1000, 10_000, 100_000];
const REQUESTS = 2000;
const HOT = 100;
const SPREAD = 2000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** This process's CPU time in ns (user + system): on a shared machine wall time also counts other processes' turns. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** CPU ns per call of `call(0…count-1)`, over one round of at least `ms` ms of wall time (clock read every 16 calls). */
function round(call: (i: number) => unknown, count: number, ms: number): { ns: number; hits: number } {
  let n = 0;
  let hits = 0;
  let i = 0;
  const start = performance.now();
  const cpu = cpuNs();
  do {
    for (let b = 0; b < 16; b++) {
      if (call(i) != null) hits++;
      if (++i === count) i = 0;
    }
    n += 16;
  } while (performance.now() - start < ms);
  return { ns: (cpuNs() - cpu) / n, hits: hits / n };
}

/** A fixed amount of work, to tell a slow machine from a slow router. */
function calibrationMs(): number {
  const t0 = cpuNs();
  let x = 0;
  for (let i = 0; i < 1e8; i++) x = (x + i) | 0;
  if (x === 42) console.log('');
  return (cpuNs() - t0) / 1e6;
}

const fastest = (xs: number[]) => Math.min(...xs);
const fmt = (ns: number) => (ns >= 10_000 ? `${(ns / 1000).toFixed(0)} µs` : ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);

/** One measured column: what call i (0…REQUESTS-1) does, its samples, how many rounds and how long each. */
interface Series {
  label: string;
  call: (i: number) => unknown;
  ns: number[];
  rounds: number;
  ms: number;
}

interface Size {
  n: number;
  buildMs: number;
  heapMb: number;
  series: Series[];
  /** Share of the hot requests that matched a route. */
  matched: number;
}

const sizes: Size[] = [];
for (const n of SIZES) {
  const routes = mixRoutes(n);
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = cpuNs();
  const router: Router = buildRouter(routes);
  const buildMs = (cpuNs() - t0) / 1e6;
  gc();
  const heapMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  const hotTargets = mixTargets(n, REQUESTS, HOT);
  const hot = mixRequests(hotTargets);
  const spreadTargets = mixTargets(n, REQUESTS, SPREAD);
  const spread = mixRequests(spreadTargets);
  const linear = buildLinearRouter(routes);
  // The index must return what the reference returns on the bench's requests (all of them up to 10 000 routes).
  const checked = n <= 10_000 ? [...hot, ...spread] : [...hot.slice(0, 100), ...spread.slice(0, 100)];
  const disagree = checked.filter((r) => router.match(r)?.route !== linear.match(r)?.route).length;
  if (disagree > 0) throw new Error(`${n} routes: index and reference disagree on ${disagree} requests`);
  const map = new Map(routes.map((r) => [r.id, r]));
  const hotKeys = hotTargets.map(uuid);
  const spreadKeys = spreadTargets.map(uuid);
  const series = (label: string, call: (i: number) => unknown, rounds = ROUNDS, ms = ROUND_MS): Series => ({ label, call, ns: [], rounds, ms });
  sizes.push({
    n,
    buildMs,
    heapMb,
    series: [
      series('index, hot', (i) => router.match(hot[i]!)),
      series('Map.get, hot', (i) => map.get(hotKeys[i]!), ROUNDS, ROUND_MS / 3),
      series('index, spread', (i) => router.match(spread[i]!)),
      series('Map.get, spread', (i) => map.get(spreadKeys[i]!), ROUNDS, ROUND_MS / 3),
      // The reference is slow at large sizes: fewer, shorter rounds show its slope.
      series('linear, spread', (i) => linear.match(spread[i]!), 3, ROUND_MS / 3),
    ],
    matched: 0,
  });
}

// A full collection before measuring (CPU time counts every thread: concurrent marking of a big heap is not
// matching), then a pass over every input, since a collection may drop compiled regex code.
gc();
for (const s of sizes) for (const x of s.series) for (let i = 0; i < (x.rounds === ROUNDS ? REQUESTS : 50); i++) x.call(i);
for (let r = 0; r < ROUNDS; r++) {
  for (const s of sizes) {
    for (const [k, x] of s.series.entries()) {
      if (r >= x.rounds) continue;
      const got = round(x.call, REQUESTS, x.ms);
      x.ns.push(got.ns);
      if (k === 0) s.matched = got.hits;
    }
  }
}

console.log(`router bench: ${ROUNDS} interleaved rounds of ${ROUND_MS} ms per size, fastest round's CPU time per match; node ${process.version}`);
console.log(`calibration: 10^8 additions take ${calibrationMs().toFixed(0)} ms of CPU here`);
console.log(`${REQUESTS} requests per size, aimed at ${HOT} routes (hot) or ${SPREAD} routes (spread); × is against 100 routes\n`);
const labels = sizes[0]!.series.map((x) => x.label);
const widths = [6, 9, 8, ...labels.flatMap((l) => [Math.max(10, l.length), 7]), 8];
const row = (cells: string[]) => console.log(cells.map((c, i) => c.padStart(widths[i]!)).join(' '));
row(['routes', 'build ms', 'heap MB', ...labels.flatMap((l) => [l, '×']), 'matched']);
const bases = sizes[0]!.series.map((x) => fastest(x.ns));
for (const s of sizes) {
  const cells = [String(s.n), s.buildMs.toFixed(0), s.heapMb.toFixed(1)];
  s.series.forEach((x, k) => {
    const ratio = fastest(x.ns) / bases[k]!;
    cells.push(fmt(fastest(x.ns)), `${ratio.toFixed(ratio >= 100 ? 0 : 2)}×`);
  });
  cells.push(`${(s.matched * 100).toFixed(0)} %`);
  row(cells);
}
