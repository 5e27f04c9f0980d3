import type { IncomingMessage } from 'node:http';
import t from 'tap';
import { BalanceRequest } from '../../src/balancer/balance-request.js';
import { createConsistentHashing } from '../../src/balancer/consistent-hashing.js';
import { hashSpec, valueToHash } from '../../src/balancer/hash-input.js';
import { applyReport, type HealthReport, isAvailable, newHealth } from '../../src/balancer/health-state.js';
import { createLatency, recordLatency } from '../../src/balancer/latency.js';
import { createLeastConnections } from '../../src/balancer/least-connections.js';
import { createRoundRobin } from '../../src/balancer/round-robin.js';
import { xxhash32 } from '../../src/balancer/xxhash32.js';
import type { Upstream } from '../../src/schema/index.js';

const all = () => true;

t.test('xxhash32 matches the reference vectors', async (t) => {
  const cases: [string, number][] = [
    ['', 0x02cc5d05],
    ['a', 0x550d7456],
    ['abc', 0x32d153ff],
    ['Nobody inspects the spammish repetition', 0xe2293b2f],
  ];
  for (const [input, want] of cases) t.equal(xxhash32(input), want, JSON.stringify(input));
});

t.test('smooth weighted round-robin', async (t) => {
  const cases: { weights: number[]; rounds: number }[] = [
    { weights: [1, 1, 1], rounds: 10 },
    { weights: [5, 1, 1], rounds: 10 },
    { weights: [100, 200, 300], rounds: 3 },
    { weights: [3, 0, 2], rounds: 20 },
  ];
  for (const { weights, rounds } of cases) {
    const rr = createRoundRobin(weights);
    const total = weights.reduce((a, b) => a + b, 0);
    const counts = weights.map(() => 0);
    for (let i = 0; i < total * rounds; i++) counts[rr.pick(all, null)]!++;
    // Exact: every window of sum(weights) picks gives each slot exactly its weight.
    t.same(counts, weights.map((w) => w * rounds), `weights ${weights.join('/')}`);
  }
  const rr = createRoundRobin([1, 1, 1]);
  const seen = new Set<number>();
  for (let i = 0; i < 30; i++) seen.add(rr.pick((k) => k !== 1, null));
  t.same([...seen].sort(), [0, 2], 'an unusable slot is skipped');
  t.equal(createRoundRobin([1, 1]).pick(() => false, null), -1, 'nothing usable → -1');
});

t.test('consistent hashing: sticky, spread, minimal remapping', async (t) => {
  const keys = ['10.0.0.1::80', '10.0.0.2::80', '10.0.0.3::80', '10.0.0.4::80'];
  const ring4 = createConsistentHashing(keys, [100, 100, 100, 100], 10000);
  const ring4again = createConsistentHashing(keys, [100, 100, 100, 100], 10000);
  const reordered = createConsistentHashing([...keys].reverse(), [100, 100, 100, 100], 10000);
  const ring5 = createConsistentHashing([...keys, '10.0.0.5::80'], [100, 100, 100, 100, 100], 10000);
  const N = 20000;
  const counts = [0, 0, 0, 0];
  let moved = 0;
  let movedElsewhere = 0;
  for (let i = 0; i < N; i++) {
    const key = `client-${i}`;
    const a = ring4.pick(all, key);
    counts[a]!++;
    if (ring4.pick(all, key) !== a || ring4again.pick(all, key) !== a) t.fail(`not sticky for ${key}`);
    if (3 - reordered.pick(all, key) !== a) t.fail(`file order changed the mapping of ${key}`);
    const b = ring5.pick(all, key);
    if (b !== a) {
      moved++;
      if (b !== 4) movedElsewhere++;
    }
  }
  // A new target whose name sorts first wins shared positions; keys still move only to it.
  const ring5first = createConsistentHashing(['10.0.0.0::80', ...keys], [100, 100, 100, 100, 100], 10000);
  let strayed = 0;
  for (let i = 0; i < N; i++) {
    const key = `client-${i}`;
    const b = ring5first.pick(all, key);
    if (b !== 0 && b - 1 !== ring4.pick(all, key)) strayed++;
  }
  t.equal(strayed, 0, 'a first-sorting new target moves keys only to itself');
  for (const c of counts) t.ok(c > N * 0.15 && c < N * 0.35, `share ${c / N} within 15–35 % (ideal 25 %)`);
  // Ideal is 1/5 of the keys; allow 10–30 %, and keys may only move to the new target.
  t.ok(moved / N > 0.1 && moved / N < 0.3, `adding a 5th target moves ${((moved / N) * 100).toFixed(1)} % of keys`);
  t.equal(movedElsewhere, 0, 'no key moves between the old targets');
  // An unusable target's keys walk to the next point; the others stay put.
  let changed = 0;
  for (let i = 0; i < 2000; i++) {
    const key = `client-${i}`;
    const a = ring4.pick(all, key);
    const b = ring4.pick((k) => k !== 0, key);
    if (a !== 0 && b !== a) changed++;
    if (b === 0) t.fail('picked an unusable target');
  }
  t.equal(changed, 0, 'only the keys of the down target move');
  t.equal(createConsistentHashing(keys, [0, 0, 0, 0], 10000).pick(all, 'x'), -1, 'all weight 0 → none');
});

t.test('least-connections: lowest (in flight + 1) / weight', async (t) => {
  const stats = [
    { weight: 100, inflight: 3, ewma: 0, ewmaAt: 0 },
    { weight: 100, inflight: 1, ewma: 0, ewmaAt: 0 },
    { weight: 300, inflight: 4, ewma: 0, ewmaAt: 0 },
  ];
  const lc = createLeastConnections(stats);
  t.equal(lc.pick(all, null), 2, '(4+1)/300 is the lowest');
  t.equal(lc.pick((i) => i !== 2, null), 1, 'skips the unusable');
  stats[1]!.inflight = 3;
  const picks = new Set<number>();
  stats[2]!.inflight = 20;
  for (let i = 0; i < 6; i++) picks.add(lc.pick(all, null));
  t.same([...picks].sort(), [0, 1], 'ties rotate');
});

t.test('latency: EWMA and two choices', async (t) => {
  const s = { weight: 100, inflight: 0, ewma: 0, ewmaAt: 0 };
  recordLatency(s, 100, 1000);
  t.equal(s.ewma, 100, 'first sample taken as is');
  recordLatency(s, 200, 11000);
  t.ok(s.ewma > 150 && s.ewma < 170, `decays over 10 s (${s.ewma})`);
  const stats = [
    { weight: 100, inflight: 0, ewma: 500, ewmaAt: 1 },
    { weight: 100, inflight: 0, ewma: 10, ewmaAt: 1 },
  ];
  const lat = createLatency(stats);
  for (let i = 0; i < 20; i++) if (lat.pick(all, null) !== 1) t.fail('the slower target won');
  t.equal(lat.pick((i) => i === 0, null), 0, 'a single candidate is taken');
});

t.test('health counters (Kong healthcheck semantics)', async (t) => {
  type Step = [HealthReport, number, string];
  const cases: { name: string; steps: Step[] }[] = [
    {
      name: 'failures reach the threshold',
      steps: [
        ['http_failure', 3, 'mostly_healthy'],
        ['http_failure', 3, 'mostly_healthy'],
        ['http_failure', 3, 'unhealthy'],
      ],
    },
    {
      name: 'a success in between resets failures',
      steps: [
        ['tcp_failure', 2, 'mostly_healthy'],
        ['success', 5, 'mostly_healthy'],
        ['tcp_failure', 2, 'mostly_healthy'],
        ['tcp_failure', 2, 'unhealthy'],
      ],
    },
    {
      name: 'threshold 0 disables a counter',
      steps: [
        ['timeout', 0, 'healthy'],
        ['timeout', 0, 'healthy'],
      ],
    },
    {
      name: 'counters are independent',
      steps: [
        ['http_failure', 2, 'mostly_healthy'],
        ['timeout', 2, 'mostly_healthy'],
        ['timeout', 2, 'unhealthy'],
      ],
    },
    {
      name: 'recovery needs successes',
      steps: [
        ['timeout', 1, 'unhealthy'],
        ['success', 2, 'mostly_unhealthy'],
        ['http_failure', 1, 'unhealthy'],
        ['success', 2, 'mostly_unhealthy'],
        ['success', 2, 'healthy'],
      ],
    },
  ];
  for (const c of cases) {
    const h = newHealth();
    for (const [report, limit] of c.steps) applyReport(h, report, limit);
    t.equal(h.state, c.steps[c.steps.length - 1]![2], c.name);
    const h2 = newHealth();
    const states = c.steps.map(([r, l]) => (applyReport(h2, r, l), h2.state));
    t.same(states, c.steps.map((s) => s[2]), `${c.name}: every step`);
  }
  const h = newHealth();
  h.state = 'mostly_healthy';
  t.ok(isAvailable(h), 'mostly_healthy still takes traffic');
  h.state = 'mostly_unhealthy';
  t.notOk(isAvailable(h), 'mostly_unhealthy does not');
});

t.test('hash inputs and fallback', async (t) => {
  const base: Record<string, string | null> = {
    hash_on: 'none',
    hash_fallback: 'none',
    hash_on_header: null,
    hash_fallback_header: null,
    hash_on_cookie: null,
    hash_on_cookie_path: '/',
    hash_on_query_arg: null,
    hash_fallback_query_arg: null,
    hash_on_uri_capture: null,
    hash_fallback_uri_capture: null,
  };
  const req = (url: string, headers: Record<string, string> = {}) =>
    ({ url, headers, socket: { remoteAddress: '10.1.2.3' } }) as unknown as IncomingMessage;
  const cases: { name: string; up: Partial<typeof base>; url: string; headers?: Record<string, string>; want: string | null }[] = [
    { name: 'none', up: {}, url: '/', want: null },
    { name: 'ip', up: { hash_on: 'ip' }, url: '/', want: '10.1.2.3' },
    { name: 'header', up: { hash_on: 'header', hash_on_header: 'X-Key' }, url: '/', headers: { 'x-key': 'k1' }, want: 'k1' },
    { name: 'cookie present', up: { hash_on: 'cookie', hash_on_cookie: 'sid' }, url: '/', headers: { cookie: 'a=1; sid=abc' }, want: 'abc' },
    { name: 'path (normalized)', up: { hash_on: 'path' }, url: '/a/%62?x=1', want: '/a/b' },
    { name: 'query_arg', up: { hash_on: 'query_arg', hash_on_query_arg: 'u' }, url: '/?u=7', want: '7' },
    { name: 'query_arg repeated', up: { hash_on: 'query_arg', hash_on_query_arg: 'u' }, url: '/?u=b&u=a', want: 'a,b' },
    { name: 'uri_capture', up: { hash_on: 'uri_capture', hash_on_uri_capture: 'id' }, url: '/', want: '42' },
    { name: 'consumer', up: { hash_on: 'consumer' }, url: '/', want: 'cons-1' },
    {
      name: 'header missing → fallback query_arg',
      up: { hash_on: 'header', hash_on_header: 'x-key', hash_fallback: 'query_arg', hash_fallback_query_arg: 'q' },
      url: '/?q=fb',
      want: 'fb',
    },
    {
      name: 'header missing → fallback ip',
      up: { hash_on: 'header', hash_on_header: 'x-key', hash_fallback: 'ip' },
      url: '/',
      want: '10.1.2.3',
    },
    { name: 'query_arg missing, no fallback', up: { hash_on: 'query_arg', hash_on_query_arg: 'u' }, url: '/?v=1', want: null },
  ];
  for (const c of cases) {
    const spec = hashSpec({ ...base, ...c.up } as unknown as Upstream);
    const r = new BalanceRequest(req(c.url, c.headers), { id: '42' }, 'cons-1');
    t.equal(valueToHash(spec, r), c.want, c.name);
  }
  const spec = hashSpec({ ...base, hash_on: 'cookie', hash_on_cookie: 'sid', hash_on_cookie_path: '/app' } as unknown as Upstream);
  const r = new BalanceRequest(req('/'));
  const made = valueToHash(spec, r);
  t.match(made, /^[0-9a-f-]{36}$/, 'a missing cookie is made up');
  t.equal(r.setCookie, `sid=${made}; Path=/app; Same-Site=Lax; HttpOnly`, 'and set on the response');
});
