/**
 * GET /metrics on the Admin API (kong/plugins/prometheus/api.lua): Kong's content type, the Admin API's token,
 * node gauges that agree with /status, target health read from the balancers' reports (dns_error for a target
 * whose name did not resolve), and the node gauges alone before a configuration exists (the status listener's
 * answer while the first load runs).
 */
import t from 'tap';
import type { NodeFacts } from '../../src/admin/context.js';
import { metricsResponse } from '../../src/admin/metrics.js';
import { PrometheusMetrics } from '../../src/plugins/prometheus/metrics.js';
import type { UpstreamHealthReport } from '../../src/balancer/health-report.js';
import { gateway, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { parseExposition, valueOf } from '../plugins/prometheus-text.js';
import { snapshotOf } from './fixtures/real-snapshot.js';

const node: NodeFacts = {
  nodeId: 'node-1',
  hostname: 'h',
  version: '0.1.0',
  configuration: {},
  stats: () => ({ total_requests: 7, connections_active: 3, connections_accepted: 9, connections_handled: 9, connections_reading: 1, connections_writing: 1 }),
  lastReloadError: () => null,
  logLevel: () => 'info',
  memory: () => process.memoryUsage(),
  runtime: () => ({ draining: 0, healthCheckers: 0 }),
  prometheus: new PrometheusMetrics(),
};

t.test('over a real gateway', async (t) => {
  const up = await upstream(t);
  const gw = await gateway(
    t,
    `_format_version: "3.0"\nplugins: [{ name: prometheus }]\nservices:\n  - name: svc\n    url: ${up.url}\n    routes: [{ name: r, paths: [/r] }]\n`,
    { adminToken: 'tok' },
  );
  const auth = { headers: { 'kong-admin-token': 'tok' } };
  t.equal((await request(gw.adminPort, '/metrics')).status, 401, "the Admin API's token applies");
  for (let i = 0; i < 3; i++) t.equal((await request(gw.port, '/r')).status, 200);
  const res = await request(gw.adminPort, '/metrics', auth);
  t.equal(res.status, 200);
  t.equal(res.headers['content-type'], 'text/plain; charset=UTF-8');
  const families = parseExposition(res.body);
  const status = (await request(gw.adminPort, '/status?unit=b', auth)).json<{ server: Record<string, number> }>();
  const nodeId = (await request(gw.adminPort, '/', auth)).json<{ node_id: string }>().node_id;
  const conn = (state: string) => valueOf(families, 'kong_nginx_connections_total', { node_id: nodeId, subsystem: 'http', state });
  t.equal(conn('total'), 3, 'total: the proxied requests');
  t.equal(valueOf(families, 'kong_nginx_requests_total', { node_id: nodeId, subsystem: 'http' }), 3);
  t.equal(conn('accepted'), status.server.connections_accepted, "accepted: as /status's server block says");
  t.equal(conn('handled'), status.server.connections_handled, 'handled likewise');
  const worker = { node_id: nodeId, pid: String(process.pid), kong_subsystem: 'http' };
  t.ok(valueOf(families, 'kong_memory_workers_lua_vms_bytes', worker)! > 0, 'the JS heap in use, for this process');
  t.ok(valueOf(families, 'kong_memory_workers_rss_bytes', worker)! >= valueOf(families, 'kong_memory_workers_lua_vms_bytes', worker)!, 'the resident set, at least the heap');
  t.ok(valueOf(families, 'kong_nginx_timers', { state: 'pending' })! >= 0, 'pending timers');
  t.ok((await request(gw.adminPort, '/endpoints', auth)).json<{ data: string[] }>().data.includes('/metrics'), '/endpoints lists /metrics');
});

t.test('target health from the balancers\' reports', async (t) => {
  const snap = snapshotOf(
    '_format_version: "3.0"\nplugins:\n  - name: prometheus\n    config: { upstream_health_metrics: true }\nupstreams:\n  - name: pool\n    targets: [{ target: "nowhere.invalid:80" }, { target: "[::1]:8080" }]\n',
  );
  const upstreamId = snap.entities.upstreams[0]!.id;
  const off = 'HEALTHCHECKS_OFF' as const;
  const weight = { total: 100, available: 100, unavailable: 0 };
  const report: UpstreamHealthReport = {
    id: upstreamId,
    health: off,
    balancerHealth: 'HEALTHY',
    weight,
    targets: [
      { target: 'nowhere.invalid:80', health: 'DNS_ERROR', data: { host: 'nowhere.invalid', port: 80, dns: 'A', nodeWeight: 100, weight, addresses: [] } },
      { target: '[::1]:8080', health: off, data: { host: '::1', port: 8080, dns: 'AAAA', nodeWeight: 100, weight, addresses: [{ ip: '::1', port: 8080, weight: 100, health: off }] } },
    ],
  };
  const res = metricsResponse({ ...snap, upstreamHealth: (id) => (id === upstreamId ? report : null) }, node);
  const health = parseExposition(res.text!).get('kong_upstream_target_health')!.samples.filter((s) => s.value === 1);
  t.same(
    health.map((s) => [s.labels.target, s.labels.address, s.labels.state]),
    [
      ['[::1]:8080', '[::1]:8080', 'healthchecks_off'],
      ['nowhere.invalid:80', '', 'dns_error'],
    ],
    'a target without addresses is dns_error with an empty address; IPv6 addresses in brackets',
  );
});

t.test('before any configuration: the node gauges only', async (t) => {
  const res = metricsResponse(null, node);
  const families = parseExposition(res.text!);
  t.same(
    [...families.keys()],
    ['kong_datastore_reachable', 'kong_memory_workers_lua_vms_bytes', 'kong_memory_workers_rss_bytes', 'kong_nginx_connections_total', 'kong_nginx_requests_total', 'kong_nginx_timers', 'kong_node_info'],
  );
  t.equal(valueOf(families, 'kong_nginx_connections_total', { node_id: 'node-1', subsystem: 'http', state: 'waiting' }), 1, 'waiting: what reading and writing leave of the active connections');
});
