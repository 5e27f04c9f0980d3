/** Consumer-group membership endpoints and plugin items under their parents, over a real snapshot. */
import t from 'tap';
import type { Row } from '../../src/snapshot/admin-views.js';
import { adminOver, snapshotOf } from './fixtures/real-snapshot.js';

const snap = snapshotOf(`_format_version: "3.0"
services:
  - name: svc
    url: http://127.0.0.1:9
    plugins:
      - name: request-termination
        instance_name: svc-stop
        config: { status_code: 503 }
    routes:
      - name: r1
        paths: [/r1]
        plugins:
          - name: request-termination
            instance_name: r1-stop
            config: { status_code: 403 }
consumers:
  - username: alice
    groups: [{ name: gold }]
    plugins:
      - name: request-termination
        instance_name: alice-stop
        config: { status_code: 429 }
  - username: bob
  - username: carol
    groups: [{ name: gold }, { name: silver }]
consumer_groups:
  - name: gold
    consumers: [{ username: bob }, { username: alice }]
  - name: silver
  - name: empty
`);

const call = adminOver(snap);
const byName = (entity: 'consumers' | 'consumer_groups' | 'plugins', name: string): string => {
  const key = entity === 'consumers' ? 'username' : entity === 'plugins' ? 'instance_name' : 'name';
  return snap.admin.collections.get(entity)!.rows.find((r) => r[key] === name)!.id;
};
const names = (body: unknown, key: string) => (body as { data: Row[] }).data.map((r) => r[key]);
const idOrder = (entity: 'consumers' | 'consumer_groups', list: string[]) =>
  [...list].sort((a, b) => (byName(entity, a) < byName(entity, b) ? -1 : 1));

t.test('consumer group members and a consumer\'s groups', async (t) => {
  const cases: [string, number, unknown][] = [
    ['/consumer_groups/gold/consumers', 200, idOrder('consumers', ['alice', 'bob', 'carol'])],
    [`/consumer_groups/${byName('consumer_groups', 'silver')}/consumers`, 200, ['carol']],
    ['/consumer_groups/empty/consumers', 200, []],
    ['/consumer_groups/nope/consumers', 404, null],
    ['/consumers/carol/consumer_groups', 200, idOrder('consumer_groups', ['gold', 'silver'])],
    ['/consumers/alice/consumer_groups', 200, ['gold'], ],
    ['/consumers/bob/consumer_groups', 200, ['gold']],
    ['/consumers/nope/consumer_groups', 404, null],
  ];
  for (const [url, status, want] of cases) {
    const res = call('GET', url);
    t.equal(res.status, status, `${url} status`);
    const key = url.endsWith('/consumers') ? 'username' : 'name';
    if (status === 200) t.same(names(res.body, key), want, url);
    else t.same(res.body, { message: 'Not found' }, url);
  }
  const page = call('GET', '/consumer_groups/gold/consumers?size=1').body as { data: Row[]; next: string | null };
  t.equal(page.data.length, 1);
  t.match(page.next, /^\/consumer_groups\/gold\/consumers\?offset=/, 'nested next link');
  const rest = call('GET', page.next!).body as { data: Row[]; next: string | null };
  t.equal(rest.data.length, 2);
  t.same(call('POST', '/consumer_groups/gold/consumers').body, {
    code: 12,
    name: 'operation unsupported',
    message: "cannot create 'consumer_group_consumers' entities when not using a database",
  });
  t.equal(call('POST', '/consumers/nope/consumer_groups').status, 404);
  const endpoints = (call('GET', '/endpoints').body as { data: string[] }).data;
  t.ok(endpoints.includes('/consumer_groups/{consumer_groups}/consumers'));
  t.ok(endpoints.includes('/consumers/{consumers}/consumer_groups'));
});

t.test('plugins under their parent, by id or instance_name', async (t) => {
  const cases: [string, number, string | null][] = [
    ['/services/svc/plugins/svc-stop', 200, 'svc-stop'],
    [`/services/svc/plugins/${byName('plugins', 'svc-stop')}`, 200, 'svc-stop'],
    ['/services/svc/plugins/r1-stop', 404, null], // belongs to the route, not the service
    ['/routes/r1/plugins/r1-stop', 200, 'r1-stop'],
    [`/routes/r1/plugins/${byName('plugins', 'r1-stop')}`, 200, 'r1-stop'],
    ['/routes/r1/plugins/svc-stop', 404, null],
    ['/consumers/alice/plugins/alice-stop', 200, 'alice-stop'],
    [`/consumers/${byName('consumers', 'alice')}/plugins/${byName('plugins', 'alice-stop')}`, 200, 'alice-stop'],
    ['/consumers/bob/plugins/alice-stop', 404, null],
    ['/plugins/alice-stop', 200, 'alice-stop'],
  ];
  for (const [url, status, want] of cases) {
    const res = call('GET', url);
    t.equal(res.status, status, `${url} status`);
    if (want !== null) t.equal((res.body as Row)['instance_name'], want, url);
  }
});
