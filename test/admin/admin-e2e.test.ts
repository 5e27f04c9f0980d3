/** The Admin API of a real gateway: served from the current snapshot, reporting reloads and their failures. */
import t from 'tap';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

const CONFIG = (msg: string) => `_format_version: "3.0"
services:
  - name: svc
    url: http://127.0.0.1:9/base
    tags: [team-a]
    routes:
      - name: hello
        paths: [/hello]
        plugins:
          - name: request-termination
            config: { status_code: 200, message: "${msg}" }
consumers:
  - username: alice
    keyauth_credentials: [{ key: alice-key }]
`;

async function until(cond: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

t.test('admin API over a real gateway', async (t) => {
  const gw = await startTestGateway(CONFIG('one'), { watch: true });
  t.teardown(() => gw.close());
  await gw.watching;
  const admin = (path: string) => request(gw.adminPort, path);

  const root = await admin('/');
  t.equal(root.status, 200);
  t.equal(root.json<{ version: string }>().version, '3.10.0');

  const status = await admin('/status');
  t.match(status.headers['content-type'], 'application/json');
  const hash = status.json<{ configuration_hash: string }>().configuration_hash;
  t.match(hash, /^[0-9a-f]{32}$/);

  const services = await admin('/services');
  t.equal(services.json<{ data: { name: string }[] }>().data[0]!.name, 'svc');
  const byName = await admin('/services/svc/routes');
  t.equal(byName.json<{ data: { name: string }[] }>().data[0]!.name, 'hello');
  t.equal((await admin('/routes/hello/service')).json<{ name: string }>().name, 'svc');
  t.equal((await admin('/consumers/alice/key-auth')).json<{ data: unknown[] }>().data.length, 1);
  t.equal((await admin('/services?tags=team-a')).json<{ data: unknown[] }>().data.length, 1);
  t.equal((await admin('/nope')).status, 404);
  const write = await request(gw.adminPort, '/services', { method: 'POST', body: '{}' });
  t.equal(write.status, 405, 'DB-less: writes are refused');

  // A bad save: the old config keeps serving, the admin API reports the error with its position.
  await gw.writeConfig('_format_version: "3.0"\nservices:\n  - name: svc\n    port: 99999\n');
  t.ok(
    await until(async () => {
      const s = (await admin('/status')).json<{ sluice?: { last_reload_error?: unknown } }>();
      return s.sluice?.last_reload_error != null;
    }),
    'reload error visible',
  );
  const failed = (await admin('/status')).json<{ configuration_hash: string; sluice: { last_reload_error: unknown } }>();
  t.equal(failed.configuration_hash, hash, 'old config still current');
  t.match(JSON.stringify(failed.sluice.last_reload_error), /kong\.yaml:4:11/);
  t.equal((await request(gw.port, '/hello')).json<{ message: string }>().message, 'one');

  // A good save replaces it.
  await gw.writeConfig(CONFIG('two'));
  t.ok(await until(async () => (await request(gw.port, '/hello')).json<{ message: string }>().message === 'two'), 'new config serving');
  const after = (await admin('/status')).json<{ configuration_hash: string; sluice: { last_reload_error: unknown } }>();
  t.not(after.configuration_hash, hash);
  t.equal(after.sluice.last_reload_error, null, 'error cleared by a good reload');
});

t.test('admin token', async (t) => {
  const gw = await startTestGateway(CONFIG('x'), { adminToken: 's3cret' });
  t.teardown(() => gw.close());
  t.equal((await request(gw.adminPort, '/status')).status, 401);
  t.equal((await request(gw.adminPort, '/status', { headers: { authorization: 'Bearer s3cret' } })).status, 200);
  t.notOk(JSON.stringify(gw.logs).includes('s3cret'), 'the token is never logged');
});

t.test('upstream health reports what the balancer sees', async (t) => {
  const { startUpstream, closedPort } = await import('../helpers/upstream.js');
  const up = await startUpstream('live');
  t.teardown(() => up.close());
  const dead = await closedPort();
  const gw = await startTestGateway(`_format_version: "3.0"
upstreams:
  - name: pool
    healthchecks:
      passive:
        unhealthy: { tcp_failures: 1 }
    targets:
      - target: "127.0.0.1:${up.port}"
      - target: "127.0.0.1:${dead}"
services:
  - name: pooled
    host: pool
    routes: [{ name: pooled, paths: [/pool] }]
`);
  t.teardown(() => gw.close());
  for (let i = 0; i < 4; i++) t.equal((await request(gw.port, '/pool')).status, 200, 'retries reach the live target');
  const health = (await request(gw.adminPort, '/upstreams/pool/health')).json<{ data: { target: string; health: string }[] }>();
  const byTarget = Object.fromEntries(health.data.map((d) => [d.target, d.health]));
  t.equal(byTarget[`127.0.0.1:${up.port}`], 'HEALTHY');
  t.equal(byTarget[`127.0.0.1:${dead}`], 'UNHEALTHY', 'passively ejected target shows UNHEALTHY');
  const summary = (await request(gw.adminPort, '/upstreams/pool/health?balancer_health=1')).json<{ data: { balancer_health: string } }>();
  t.equal(summary.data.balancer_health, 'HEALTHY');
});
