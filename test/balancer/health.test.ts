import t, { type Test } from 'tap';
import { BalancerResources } from '../../src/balancer/resources.js';
import { upstreamHealthReport } from '../../src/balancer/upstream-health.js';
import { loadConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { SnapshotCell } from '../../src/runtime/runtime.js';
import { compileSnapshot } from '../../src/snapshot/compile.js';
import { gateway, type TestGateway, until, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { closedPort, type Upstream } from '../helpers/upstream.js';
import { countHits, poolConfig } from './lb-helpers.js';

/** An upstream whose status can be switched during the test. */
async function switchable(t: Test, name: string, status = 200): Promise<Upstream & { status: number }> {
  const state = { status };
  const up = await upstream(t, name, (_req, res) => {
    res.writeHead(state.status, { 'x-upstream': name });
    res.end(name);
  });
  return Object.defineProperty(up, 'status', {
    get: () => state.status,
    set: (v: number) => {
      state.status = v;
    },
  }) as Upstream & { status: number };
}

function health(gw: TestGateway): Record<string, string> {
  const b = gw.cell.current.proxy.balancers.get('pool')!;
  const report = upstreamHealthReport(gw.cell.current.proxy.balancers, b.upstreamId)!;
  const out: Record<string, string> = { balancer: report.balancerHealth };
  for (const x of report.targets) out[x.target] = x.health;
  return out;
}

t.test('passive: a target is ejected after N failures and stays out without active checks', async (t) => {
  const bad = await switchable(t, 'bad', 500);
  const good = await switchable(t, 'good');
  const gw = await gateway(
    t,
    poolConfig(
      [{ target: `127.0.0.1:${bad.port}` }, { target: `127.0.0.1:${good.port}` }],
      'healthchecks:\n  passive:\n    unhealthy:\n      http_failures: 3',
    ),
  );
  t.same(health(gw), { balancer: 'HEALTHY', [`127.0.0.1:${bad.port}`]: 'HEALTHY', [`127.0.0.1:${good.port}`]: 'HEALTHY' });
  const { counts } = await countHits(gw.port, '/', 30);
  t.equal(bad.seen.length, 3, 'exactly 3 requests reached the failing target');
  t.equal(counts['good'], 27);
  t.equal(health(gw)[`127.0.0.1:${bad.port}`], 'UNHEALTHY');
  bad.status = 200;
  await countHits(gw.port, '/', 10);
  t.equal(bad.seen.length, 3, 'no recovery without active checks (Kong)');
});

t.test('passive: connection failures count, retries move to another target', async (t) => {
  const port = await closedPort();
  const good = await switchable(t, 'good');
  const gw = await gateway(
    t,
    poolConfig(
      [{ target: `127.0.0.1:${port}` }, { target: `127.0.0.1:${good.port}` }],
      'healthchecks:\n  passive:\n    unhealthy:\n      tcp_failures: 2',
    ),
  );
  const { statuses } = await countHits(gw.port, '/', 10);
  t.same(statuses, { 200: 10 }, 'every request answered through a retry');
  t.equal(health(gw)[`127.0.0.1:${port}`], 'UNHEALTHY', 'closed port ejected');
});

t.test('passive: timeouts count', async (t) => {
  const hang = await upstream(t, 'hang', () => {});
  const good = await switchable(t, 'good');
  const gw = await gateway(
    t,
    poolConfig(
      [{ target: `127.0.0.1:${hang.port}` }, { target: `127.0.0.1:${good.port}` }],
      'healthchecks:\n  passive:\n    unhealthy:\n      timeouts: 1',
      'read_timeout: 150\nretries: 0',
    ),
  );
  const { statuses } = await countHits(gw.port, '/', 4);
  t.equal(statuses[504], 1, 'one timeout');
  t.equal(statuses[200], 3);
  t.equal(health(gw)[`127.0.0.1:${hang.port}`], 'UNHEALTHY');
});

t.test('active: probes eject and bring back', async (t) => {
  const flaky = await switchable(t, 'flaky');
  const good = await switchable(t, 'good');
  const gw = await gateway(
    t,
    poolConfig(
      [{ target: `127.0.0.1:${flaky.port}` }, { target: `127.0.0.1:${good.port}` }],
      `healthchecks:
  active:
    http_path: /status
    timeout: 0.5
    headers:
      x-probe: ["yes"]
    healthy:
      interval: 0.05
      successes: 2
    unhealthy:
      interval: 0.05
      http_failures: 2`,
    ),
  );
  const target = `127.0.0.1:${flaky.port}`;
  t.ok(await until(() => flaky.seen.some((r) => r.url === '/status')), 'probes arrive');
  const probe = flaky.seen.find((r) => r.url === '/status')!;
  t.equal(probe.headers['x-probe'], 'yes', 'active.headers sent');
  t.equal(probe.headers.host, target, 'Host is the target');
  flaky.status = 500;
  t.ok(await until(() => health(gw)[target] === 'UNHEALTHY'), 'ejected by probes');
  const before = flaky.seen.filter((r) => r.url === '/').length;
  await countHits(gw.port, '/', 10);
  t.equal(flaky.seen.filter((r) => r.url === '/').length, before, 'no traffic while unhealthy');
  flaky.status = 200;
  t.ok(await until(() => health(gw)[target] === 'HEALTHY'), 'recovered by probes');
  const { counts } = await countHits(gw.port, '/', 10);
  t.equal(counts['flaky'], 5, 'back in rotation');
});

t.test('active tcp probes and passive ejection with active recovery', async (t) => {
  const port = await closedPort();
  const flaky = await switchable(t, 'flaky', 503);
  const good = await switchable(t, 'good');
  const gw = await gateway(
    t,
    poolConfig(
      [{ target: `127.0.0.1:${port}` }, { target: `127.0.0.1:${flaky.port}` }, { target: `127.0.0.1:${good.port}` }],
      `healthchecks:
  active:
    type: tcp
    healthy: { interval: 0.05, successes: 1 }
    unhealthy: { interval: 0.05, tcp_failures: 1 }
  passive:
    unhealthy:
      http_failures: 1`,
    ),
  );
  t.ok(await until(() => health(gw)[`127.0.0.1:${port}`] === 'UNHEALTHY'), 'closed port found by tcp probe');
  await countHits(gw.port, '/', 4);
  // The tcp probe connects fine, so the passively ejected target comes back.
  t.ok(await until(() => health(gw)[`127.0.0.1:${flaky.port}`] === 'HEALTHY', 3000), 'tcp probe success restores it');
});

t.test('threshold: the upstream stops below the healthy-weight percentage', async (t) => {
  const a = await switchable(t, 'a', 500);
  const b = await switchable(t, 'b', 500);
  const c = await switchable(t, 'c');
  const gw = await gateway(
    t,
    poolConfig(
      [a, b, c].map((u) => ({ target: `127.0.0.1:${u.port}` })),
      'healthchecks:\n  threshold: 50\n  passive:\n    unhealthy:\n      http_failures: 1',
    ),
  );
  const first = await countHits(gw.port, '/', 2);
  t.same(first.statuses, { 500: 2 }, 'a and b fail once each');
  const res = await request(gw.port, '/');
  t.equal(res.status, 503, '33 % healthy ≤ 50 % threshold → 503 although c is fine');
  t.equal(res.json()['message'], 'failure to get a peer from the ring-balancer');
  t.equal(health(gw)['balancer'], 'UNHEALTHY');
  t.equal(c.seen.length, 0);
});

t.test('all targets down → 503 failure to get a peer', async (t) => {
  const p1 = await closedPort();
  const p2 = await closedPort();
  const gw = await gateway(
    t,
    poolConfig(
      [{ target: `127.0.0.1:${p1}` }, { target: `127.0.0.1:${p2}` }],
      'healthchecks:\n  passive:\n    unhealthy:\n      tcp_failures: 1',
    ),
  );
  // The first request fails on both (each ejected as it fails); its next retry finds no peer (Kong: 503).
  const first = await request(gw.port, '/');
  t.equal(first.status, 503, 'both tried, then no peer left');
  const res = await request(gw.port, '/');
  t.equal(res.status, 503);
  t.same(Object.keys(res.json()), ['message', 'request_id']);
  t.equal(res.json()['message'], 'failure to get a peer from the ring-balancer');

  const empty = await gateway(t, poolConfig([]));
  const none = await request(empty.port, '/');
  t.equal(none.status, 503, 'an upstream without targets');
  t.equal(none.json()['message'], 'failure to get a peer from the ring-balancer');
});

t.test('health state survives a reload that keeps the upstream', async (t) => {
  const bad = await switchable(t, 'bad', 500);
  const good = await switchable(t, 'good');
  const other = await switchable(t, 'other');
  const targets = [{ target: `127.0.0.1:${bad.port}` }, { target: `127.0.0.1:${good.port}` }];
  const hc = 'healthchecks:\n  passive:\n    unhealthy:\n      http_failures: 1';
  const gw = await gateway(t, poolConfig(targets, hc));
  await countHits(gw.port, '/', 4);
  t.equal(health(gw)[`127.0.0.1:${bad.port}`], 'UNHEALTHY');
  bad.status = 200;
  const unrelated = `  - name: other\n    url: ${other.url}\n    routes: [{ name: o, paths: [/other] }]\n`;
  await gw.writeConfig(poolConfig(targets, hc).replace('services:\n', `services:\n${unrelated}`));
  t.equal((await gw.reload()).status, 'swapped');
  t.equal((await request(gw.port, '/other')).headers['x-upstream'], 'other', 'new config serves');
  t.equal(health(gw)[`127.0.0.1:${bad.port}`], 'UNHEALTHY', 'still unhealthy after the reload');
  const seen = bad.seen.length;
  await countHits(gw.port, '/', 6);
  t.equal(bad.seen.length, seen, 'and still out of rotation');

  // Changing the upstream (a new target) starts a new checker that carries the known targets' state over.
  await gw.writeConfig(poolConfig([...targets, { target: `127.0.0.1:${other.port}` }], hc));
  t.equal((await gw.reload()).status, 'swapped');
  t.equal(health(gw)[`127.0.0.1:${bad.port}`], 'UNHEALTHY', 'carried over to the changed upstream');
  t.equal(gw.balancers.checkers.liveCheckers(), 1, 'one checker left');
});

t.test('a reload that removes the upstream leaves no probe timers', async (t) => {
  const up = await switchable(t, 'up');
  const logger = createLogger({ level: 'error', format: 'json', stream: { write: () => true } as unknown as NodeJS.WritableStream });
  const withPool = poolConfig(
    [{ target: `127.0.0.1:${up.port}` }],
    'healthchecks:\n  active:\n    healthy:\n      interval: 0.05\n    unhealthy:\n      interval: 0.05',
  );
  const compile = (text: string, gen: number) => {
    const loaded = loadConfigText(text, 'kong.yaml');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    return compileSnapshot(loaded.config, 'kong.yaml', gen, logger);
  };
  // The wiring gateway.ts uses: the cell activates a snapshot as it becomes current and disposes it on retire.
  const resources = new BalancerResources();
  const activeProbeTimers = () => resources.checkers.activeProbeTimers();
  const liveCheckers = () => resources.checkers.liveCheckers();
  const first = compile(withPool, 1);
  t.equal(activeProbeTimers(), 0, 'compiling starts no probes');
  const cell = new SnapshotCell(first, { balancers: resources });
  t.equal(activeProbeTimers(), 2, 'healthy and unhealthy intervals scheduled');
  t.ok(await until(() => up.seen.length >= 2), 'probing');

  // An unrelated reload keeps the same checker and its timers.
  cell.swap(compile(withPool.replace('name: r', 'name: r2'), 2));
  t.equal(activeProbeTimers(), 2, 'same checker, same two timers');
  t.equal(liveCheckers(), 1);

  // A request in flight pins the old snapshot: timers stop when it is released.
  const pinned = cell.acquire();
  cell.swap(compile(`_format_version: "3.0"\nservices: []\n`, 3));
  t.equal(activeProbeTimers(), 2, 'still running while a request holds the old snapshot');
  cell.release(pinned);
  t.equal(activeProbeTimers(), 0, 'no probe timers once it is retired');
  t.equal(liveCheckers(), 0, 'no checker left');
  const probes = up.seen.length;
  await new Promise((r) => setTimeout(r, 200));
  t.equal(up.seen.length, probes, 'and no more probes arrive');
  cell.close();
  resources.close();
});
