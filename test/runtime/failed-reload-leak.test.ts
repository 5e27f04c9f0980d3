/**
 * Failed reloads hold nothing: 100 configs that fail (in parsing, validation, cross-checks, plugin factories
 * and certificate compilation, the last one after the balancers are built) are reloaded into a running gateway
 * whose config has an upstream with active health checks. Each failing config also declares an upstream of its
 * own, probing a sink server every 50 ms: a checker acquired by a failed compile would probe it. Afterwards the
 * live timers and sockets are where they were, the sink saw no probe, the old config served every request in
 * between, and removing the upstream still stops its probes (no reference was leaked).
 */
import { createHook } from 'node:async_hooks';
import t from 'tap';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream } from '../helpers/upstream.js';

/** Live async resources by type (timers included even when unref'd, which getActiveResourcesInfo leaves out). */
function trackResources() {
  const live = new Map<number, string>();
  const hook = createHook({
    init: (id, type) => void live.set(id, type),
    destroy: (id) => void live.delete(id),
  }).enable();
  return {
    count: (type: string) => [...live.values()].filter((t) => t === type).length,
    stop: () => hook.disable(),
  };
}

const activeInfo = () => {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ACTIVE = `
    healthchecks:
      active:
        healthy: { interval: 0.05, successes: 1 }
        unhealthy: { interval: 0.05, http_failures: 1 }`;

function config(oldPort: number, extra = ''): string {
  return `_format_version: "3.0"
upstreams:
  - name: pool${ACTIVE}
    targets: [{ target: "127.0.0.1:${oldPort}" }]
services:
  - name: svc
    host: pool
    routes: [{ name: r, paths: [/] }]
${extra}`;
}

/** One failing config per kind; each also declares upstream `leak-<i>` probing the sink. */
function failing(i: number, oldPort: number, sinkPort: number): { kind: string; yaml: string } {
  const leak = `  - name: leak-${i}${ACTIVE}
    targets: [{ target: "127.0.0.1:${sinkPort}" }]`;
  const withLeak = (rest: string) => config(oldPort, rest).replace('services:\n', `${leak}\nservices:\n`);
  switch (i % 5) {
    case 0:
      return { kind: 'yaml syntax', yaml: `${withLeak('')}  - name: [unclosed\n` };
    case 1:
      return { kind: 'schema', yaml: withLeak('  - name: bad\n    url: http://127.0.0.1:9\n    retries: -1\n') };
    case 2:
      return { kind: 'uniqueness', yaml: withLeak('  - name: svc\n    url: http://127.0.0.1:9\n') };
    case 3:
      // request-transformer compiles its templates in create(): the vault value is only known then.
      return {
        kind: 'plugin factory',
        yaml: withLeak('plugins:\n  - name: request-transformer\n    config: { replace: { uri: "{vault://env/SLUICE_LEAK_URI}" } }\n'),
      };
    default:
      // Certificates behind vault references are parsed when the TLS contexts are built: after the balancers.
      return {
        kind: 'certificate',
        yaml: withLeak(
          'certificates:\n  - cert: "{vault://env/SLUICE_LEAK_CERT}"\n    key: "{vault://env/SLUICE_LEAK_KEY}"\n    snis: [{ name: leak.test }]\n',
        ),
      };
  }
}

t.test('100 failed reloads leave no timer, socket or health checker behind', async (t) => {
  process.env.SLUICE_LEAK_URI = '/x-$(nope)';
  process.env.SLUICE_LEAK_CERT = 'not a certificate';
  process.env.SLUICE_LEAK_KEY = 'not a key';
  t.teardown(() => {
    delete process.env.SLUICE_LEAK_URI;
    delete process.env.SLUICE_LEAK_CERT;
    delete process.env.SLUICE_LEAK_KEY;
  });
  const old = await startUpstream('old');
  const sink = await startUpstream('sink');
  t.teardown(async () => {
    await old.close();
    await sink.close();
  });
  const gw = await startTestGateway(config(old.port));
  t.teardown(() => gw.close());
  const resources = trackResources();
  t.teardown(() => resources.stop());

  for (let i = 0; i < 5; i++) t.equal((await request(gw.port, '/')).status, 200, 'warm-up');
  await sleep(200);
  const timers = resources.count('Timeout');
  const sockets = resources.count('TCPWRAP');
  const info = activeInfo();
  t.equal(gw.balancers.checkers.activeProbeTimers(), 2, 'the serving upstream probes (healthy and unhealthy intervals)');

  const kinds = new Map<string, number>();
  let served = 0;
  for (let i = 0; i < 100; i++) {
    const { kind, yaml } = failing(i, old.port, sink.port);
    await gw.writeConfig(yaml);
    const outcome = await gw.reload();
    if (outcome.status !== 'failed') {
      t.fail(`${kind} config #${i} did not fail: ${outcome.status}`);
    } else if (outcome.errors.some((e) => e.message.startsWith('compile failed')) !== (kind === 'plugin factory' || kind === 'certificate')) {
      t.fail(`${kind} config #${i} failed at the wrong stage: ${outcome.errors[0]?.message}`);
    }
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    const res = await request(gw.port, '/');
    if (res.status === 200 && res.json<{ upstream: string }>().upstream === 'old') served++;
  }
  t.same(Object.fromEntries(kinds), { 'yaml syntax': 20, schema: 20, uniqueness: 20, 'plugin factory': 20, certificate: 20 });
  t.equal(served, 100, 'the old config answered every request in between');
  t.equal(gw.cell.current.generation, 1, 'nothing was swapped in');

  await sleep(300);
  t.equal(sink.seen.length, 0, 'no checker of a failed config ever probed');
  t.equal(gw.balancers.checkers.activeProbeTimers(), 2, 'probe timers: still the serving upstream only');
  t.equal(gw.balancers.checkers.liveCheckers(), 1, 'one health checker');
  t.equal(gw.balancers.dns.size, 0, 'no name cached');
  // Slack for what is in flight at the moment of counting (a probe of the serving upstream: its timer and
  // socket); the code before inert compiles left 2 probe intervals per failed compile, 40 here.
  const SLACK = 4;
  t.ok(resources.count('Timeout') <= timers + SLACK, `live timers ${resources.count('Timeout')} (before: ${timers})`);
  t.ok(resources.count('TCPWRAP') <= sockets + SLACK, `live sockets ${resources.count('TCPWRAP')} (before: ${sockets})`);
  const after = activeInfo();
  for (const type of new Set([...Object.keys(info), ...Object.keys(after)])) {
    t.ok((after[type] ?? 0) <= (info[type] ?? 0) + SLACK, `active ${type}: ${after[type] ?? 0} (before: ${info[type] ?? 0})`);
  }

  // A leaked hold on the serving checker would keep it probing after its upstream is gone.
  await gw.writeConfig('_format_version: "3.0"\n');
  t.equal((await gw.reload()).status, 'swapped');
  t.equal(gw.balancers.checkers.activeProbeTimers(), 0, 'the removed upstream stops probing');
  const probes = old.seen.length;
  await sleep(200);
  t.equal(old.seen.length, probes, 'and no probe reaches its target any more');
});
