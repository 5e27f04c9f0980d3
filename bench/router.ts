/**
 * Router match cost at 10 … 100 000 routes (prefix + host routes, the kind an index must keep flat), against the
 * linear reference matcher at small sizes. Reports ns per match; the interesting figure is the ratio between
 * sizes, not the absolute value.
 *   npm run bench:router
 */
import { buildLinearRouter, buildRouter } from '../src/router/index.js';
import type { MatchRequest, RouteLike } from '../src/router/types.js';

function routes(n: number): RouteLike[] {
  const out: RouteLike[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    out.push({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `r${i}`,
      protocols: ['http', 'https'],
      methods: kind === 3 ? ['GET'] : null,
      hosts: kind === 1 || kind === 2 ? [`svc${i}.example.com`] : null,
      paths: kind === 1 ? null : [`/api/v${i % 7}/svc${i}`],
      headers: null,
      snis: null,
      regex_priority: 0,
    });
  }
  return out;
}

function requests(n: number, count: number): MatchRequest[] {
  const out: MatchRequest[] = [];
  for (let k = 0; k < count; k++) {
    const i = (k * 7919) % n;
    const kind = i % 4;
    out.push({
      method: 'GET',
      host: kind === 1 || kind === 2 ? `svc${i}.example.com` : 'other.example.com',
      path: kind === 1 ? '/anything' : `/api/v${i % 7}/svc${i}/items/42`,
      headers: {},
      sni: null,
      scheme: 'http',
      port: 8000,
    });
  }
  return out;
}

function bench(match: (r: MatchRequest) => unknown, reqs: MatchRequest[], minMs = 300): number {
  let n = 0;
  let hits = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    for (let i = 0; i < reqs.length; i++) if (match(reqs[i]!) !== null) hits++;
    n += reqs.length;
    now = performance.now();
  }
  if (hits === 0) throw new Error('no request matched: the benchmark is broken');
  return ((now - start) * 1e6) / n;
}

const sizes = [10, 1000, 10000, 100000];
console.log('routes     build ms   index ns/match   linear ns/match');
let base = 0;
let last = 0;
for (const n of sizes) {
  const rs = routes(n);
  const t0 = performance.now();
  const router = buildRouter(rs);
  const buildMs = performance.now() - t0;
  const reqs = requests(n, 1000);
  const ns = bench((r) => router.match(r), reqs);
  if (n === 1000) base = ns;
  last = ns;
  const lin = n <= 10000 ? buildLinearRouter(rs) : null;
  const linear = lin ? bench((r) => lin.match(r), reqs, 200) : Number.NaN;
  console.log(`${String(n).padStart(6)} ${buildMs.toFixed(1).padStart(10)} ${ns.toFixed(0).padStart(16)} ${Number.isNaN(linear) ? '             n/a' : linear.toFixed(0).padStart(17)}`);
}
console.log(`\nindex match cost, 100000 vs 1000 routes: ${(last / base).toFixed(2)}x`);
