/**
 * The status listener (Kong's status_listen, kong/status/init.lua): off unless asked for; GET /status is the
 * Admin API's body; GET /status/ready follows kong/status/ready.lua (200 "ready" once a configuration serves;
 * 503 with Kong's words before, for an empty configuration, and while draining — by POST status=draining, Kong
 * 3.9's `kong drain`, or because the gateway is stopping); GET /metrics is the prometheus exporter's, as on the
 * Admin API. Over real gateways on 127.0.0.1.
 */
import t from 'tap';
import type { ServerResponse } from 'node:http';
import { readiness } from '../../src/admin/status-listener.js';
import { gateway, upstream, waitFor } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { accepts } from '../cli/sluice-process.js';
import { snapshotOf } from './fixtures/real-snapshot.js';

const NOT_INITIALIZED = 'no configuration available (configuration hash is not initialized)';
const EMPTY = 'no configuration available (empty configuration present)';

t.test('readiness: Kong\'s verdicts and messages', async (t) => {
  const served = snapshotOf('_format_version: "3.0"\nservices: [{ name: s, url: "http://127.0.0.1:1" }]\n');
  const empty = snapshotOf('_format_version: "3.0"\n');
  const rows = [
    { what: 'no configuration loaded yet', snap: null, draining: false, status: 503, message: NOT_INITIALIZED },
    { what: 'a configuration without entities', snap: empty, draining: false, status: 503, message: EMPTY },
    { what: 'a configuration that serves', snap: served, draining: false, status: 200, message: 'ready' },
    { what: 'draining, whatever else holds', snap: served, draining: true, status: 503, message: 'draining' },
    { what: 'draining before any configuration', snap: null, draining: true, status: 503, message: 'draining' },
  ];
  for (const r of rows) t.same(readiness(r.snap, r.draining), { status: r.status, body: { message: r.message } }, r.what);
});

t.test('off unless asked for', async (t) => {
  const gw = await gateway(t, '_format_version: "3.0"\n');
  t.equal(gw.statusAddress, null, 'no status listener');
  const started = gw.logs.find((l) => l.msg === 'sluice started');
  t.equal(started?.status, 'off', 'the start line says so');
  t.equal((await request(gw.adminPort, '/')).json<{ configuration: { status_listen: string } }>().configuration.status_listen, 'off', "/ reports status_listen 'off'");
});

t.test('GET /status, /status/ready and /metrics', async (t) => {
  const up = await upstream(t);
  const gw = await gateway(
    t,
    `_format_version: "3.0"\nplugins:\n  - name: prometheus\n    config: { status_code_metrics: true }\nservices:\n  - name: svc\n    url: ${up.url}\n    routes: [{ name: r, paths: [/r] }]\n`,
    { statusListen: '127.0.0.1:0' },
  );
  const port = gw.statusAddress!.port;
  t.not(port, gw.adminPort, 'a port of its own');
  t.equal((await request(gw.port, '/r')).status, 200);

  const status = await request(port, '/status');
  const admin = await request(gw.adminPort, '/status');
  t.equal(status.status, 200);
  t.same(Object.keys(status.json()).sort(), Object.keys(admin.json()).sort(), "the Admin API's /status body");
  t.equal(status.json().configuration_hash, gw.cell.current.hash, 'the serving configuration hash');
  t.same(status.json<{ server: unknown }>().server, admin.json<{ server: unknown }>().server, 'the same server counters');
  t.type(status.json<{ memory: { workers_lua_vms: { http_allocated_gc: unknown }[] } }>().memory.workers_lua_vms[0]!.http_allocated_gc, 'string', 'MiB by default');
  t.type((await request(port, '/status?unit=b')).json<{ memory: { workers_lua_vms: { http_allocated_gc: unknown }[] } }>().memory.workers_lua_vms[0]!.http_allocated_gc, 'number', '?unit=b: bytes');
  t.same((await request(port, '/status?unit=x')).json(), (await request(gw.adminPort, '/status?unit=x')).json(), 'a bad unit: the same 400');

  const ready = await request(port, '/status/ready');
  t.same([ready.status, ready.json()], [200, { message: 'ready' }], '/status/ready: 200 ready');
  t.match(ready.headers['content-type'], /^application\/json/);

  const metrics = await waitFor('the request counted', async () => {
    const m = await request(port, '/metrics');
    return m.body.includes('kong_http_requests_total{') ? m : false;
  });
  t.equal(metrics.headers['content-type'], 'text/plain; charset=UTF-8', "/metrics: Kong's content type");
  const adminMetrics = await request(gw.adminPort, '/metrics');
  const families = (text: string) => [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
  t.same(families(metrics.body), families(adminMetrics.body), 'the same families as the Admin API\'s /metrics');
  t.match(metrics.body, 'kong_http_requests_total{service="svc",route="r",code="200",source="service",workspace="default",consumer=""} 1');

  t.same([(await request(port, '/services')).status, (await request(port, '/services')).json()], [404, { message: 'Not found' }], 'not the Admin API');
  const head = await request(port, '/metrics', { method: 'HEAD' });
  t.same([head.status, head.body], [200, ''], 'HEAD /metrics: headers only');
  t.equal((await request(port, '/status', { method: 'DELETE' })).status, 405, 'read-only');
});

t.test('POST /status/ready status=draining makes the node not ready (Kong 3.9)', async (t) => {
  const rows = [
    { how: 'a form body', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'status=draining', path: '/status/ready' },
    { how: 'a JSON body', headers: { 'content-type': 'application/json' }, body: '{"status":"draining"}', path: '/status/ready' },
    { how: 'the query', headers: {}, body: '', path: '/status/ready?status=draining' },
  ];
  for (const row of rows) {
    const gw = await gateway(t, '_format_version: "3.0"\nservices: [{ name: s, url: "http://127.0.0.1:1" }]\n', { statusListen: '127.0.0.1:0' });
    const port = gw.statusAddress!.port;
    const refused = await request(port, '/status/ready', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"ready"}' });
    t.same([refused.status, refused.body], [400, ''], `${row.how}: anything but draining is a 400 with no body`);
    t.equal((await request(port, '/status/ready')).status, 200, `${row.how}: still ready`);
    const drained = await request(port, row.path, { method: 'POST', headers: row.headers, body: row.body });
    t.same([drained.status, drained.body], [204, ''], `${row.how}: 204`);
    const after = await request(port, '/status/ready');
    t.same([after.status, after.json()], [503, { message: 'draining' }], `${row.how}: then 503 draining`);
    t.equal((await request(gw.port, '/nothing')).status, 404, `${row.how}: the proxy still answers (only the probe changes)`);
    await gw.close();
  }
});

t.test('a stopping gateway reports draining until its last request is out', async (t) => {
  const held: ServerResponse[] = [];
  const up = await upstream(t, 'slow', (_req, res) => void held.push(res));
  const gw = await gateway(t, `_format_version: "3.0"\nservices:\n  - name: svc\n    url: ${up.url}\n    routes: [{ name: r, paths: [/r] }]\n`, {
    statusListen: '127.0.0.1:0',
    drainTimeoutMs: 20_000,
  });
  const port = gw.statusAddress!.port;
  const inFlight = request(gw.port, '/r');
  await waitFor('the request at the upstream', () => held.length === 1);
  const closing = gw.close();
  const during = await waitFor('a draining answer', async () => {
    const r = await request(port, '/status/ready').catch(() => null);
    return r !== null && r.status === 503 ? r : false;
  });
  t.same(during.json(), { message: 'draining' }, '503 draining while the request is in flight');
  held[0]!.end('done');
  t.equal((await inFlight).status, 200, 'the request in flight is answered');
  await closing;
  t.notOk(await accepts(port), 'the status listener is closed once the gateway has stopped');
});
