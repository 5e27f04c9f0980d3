/**
 * Local rate-limit counters belong to the gateway (issue 12): its shared dictionary, as Kong's
 * kong_rate_limiting_counters shm belongs to the node. Two gateways in one process count apart, two lent one
 * dictionary set (GatewayOptions.dictionaries, as a primary lends its workers) count together, a reload goes
 * on counting, and stopping leaves nothing running (no timer; this file's process exits). On the engine under
 * test (SLUICE_TEST_ENGINE). The dictionary's bound and a dictionary that answers later are in
 * rate-limiting-local.test.ts.
 */
import t from 'tap';
import { MemoryDicts } from '../../src/shared-dict/memory-dicts.js';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream } from '../helpers/upstream.js';
import { awaitFreshWindow } from './traffic/windows.js';

const MINUTE = 60_000;

const config = (url: string, plugin: string, note = '') => `_format_version: "3.0"
# ${note}
services:
  - name: svc
    url: ${url}
    routes:
      - name: limited
        paths: [/]
        plugins:
          - name: rate-limiting
            config: ${plugin}
`;

const statuses = async (port: number, n: number, headers: Record<string, string> = {}) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await request(port, '/', { headers })).status);
  return out;
};

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

t.test('local counters per gateway', async (t) => {
  const up = await startUpstream('up');
  t.teardown(() => up.close());
  const timersBefore = timers();
  const yaml = config(up.url, '{ minute: 3, policy: local, limit_by: ip }');
  const a = await startTestGateway(yaml);
  const b = await startTestGateway(yaml);
  let open = [a, b];
  t.teardown(() => Promise.all(open.map((g) => g.close())));
  await awaitFreshWindow(MINUTE);

  await t.test('two gateways with the same route count apart', async (t) => {
    t.same(await statuses(a.port, 4), [200, 200, 200, 429], 'a: the 4th in the minute is refused');
    t.same(await statuses(b.port, 4), [200, 200, 200, 429], 'b: untouched by a, the same three pass');
  });

  await t.test('a reload keeps the counts (Kong: a reload does not reset rate limits)', async (t) => {
    await a.writeConfig(config(up.url, '{ minute: 5, policy: local, limit_by: ip }', 'limit raised'));
    t.equal((await a.reload()).status, 'swapped');
    t.same(await statuses(a.port, 3), [200, 200, 429], 'the 3 already counted still count against the new limit of 5');
    await a.writeConfig(config(up.url, '{ minute: 5, policy: local, limit_by: ip }', 'same again'));
    t.equal((await a.reload()).status, 'swapped');
    t.same(await statuses(a.port, 1), [429], 'and after a second reload');
  });

  await t.test('stopping both gateways leaves no timer behind', async (t) => {
    await a.close();
    await b.close();
    open = [];
    t.ok(timers() <= timersBefore, `timers: ${timers()} now, ${timersBefore} before the gateways`);
  });
});

t.test('two gateways lent one dictionary set count together; stopping one leaves the counts to the holder', async (t) => {
  const up = await startUpstream('up');
  t.teardown(() => up.close());
  const dictionaries = new MemoryDicts();
  t.teardown(() => dictionaries.close());
  const yaml = config(up.url, '{ minute: 4, policy: local, limit_by: ip }');
  const a = await startTestGateway(yaml, { dictionaries });
  const b = await startTestGateway(yaml, { dictionaries });
  let open = [a, b];
  t.teardown(() => Promise.all(open.map((g) => g.close())));
  await awaitFreshWindow(MINUTE);

  t.same(await statuses(a.port, 2), [200, 200], 'a: two of the four');
  t.same(await statuses(b.port, 3), [200, 200, 429], "b: the two a let through count, so b's third is the 5th in the minute");
  t.same(await statuses(a.port, 1), [429], 'and a sees b\'s');
  await a.close();
  open = [b];
  t.same(await statuses(b.port, 1), [429], 'a stopped: the lent counters are still there (their holder closes them)');
});
