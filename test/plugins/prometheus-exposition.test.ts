/**
 * The prometheus plugin's output, exactly as Kong's exporter (kong/plugins/prometheus/exporter.lua, schema.lua,
 * handler.lua) gives it: every family's name, type, HELP and label names; the histogram buckets; which series
 * each config switch adds; the values one request leaves. Over real gateways, real upstreams and real clients;
 * /metrics read from the Admin API. promtool, when installed, lints every answer too.
 */
import { execFile } from 'node:child_process';
import t from 'tap';
import { rawExchange } from '../helpers/raw-client.js';
import { gateway, type TestGateway, upstream, waitFor } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { type Family, labelNames, parseExposition, valueOf } from './prometheus-text.js';

const KONG_BUCKETS = ['1', '2', '5', '7', '10', '15', '20', '30', '50', '75', '100', '200', '500', '750', '1000', '3000', '6000', '+Inf'];
const UPSTREAM_BUCKETS = ['25', '50', '80', '100', '250', '400', '700', '1000', '2000', '5000', '10000', '30000', '60000', '+Inf'];

/** Kong's families: type, HELP (verbatim) and label names; sluice's one addition, kong_memory_workers_rss_bytes. */
const FAMILIES: Record<string, { type: string; help: string; labels: string[] }> = {
  kong_bandwidth_bytes: { type: 'counter', help: 'Total bandwidth (ingress/egress) throughput in bytes', labels: ['service', 'route', 'direction', 'workspace', 'consumer'] },
  kong_datastore_reachable: { type: 'gauge', help: 'Datastore reachable from Kong, 0 is unreachable', labels: [] },
  kong_http_requests_total: { type: 'counter', help: 'HTTP status codes per consumer/service/route in Kong', labels: ['service', 'route', 'code', 'source', 'workspace', 'consumer'] },
  kong_kong_latency_ms: { type: 'histogram', help: 'Latency added by Kong and enabled plugins for each service/route in Kong', labels: ['service', 'route', 'workspace'] },
  kong_memory_workers_lua_vms_bytes: { type: 'gauge', help: 'Allocated bytes in worker Lua VM', labels: ['node_id', 'pid', 'kong_subsystem'] },
  kong_memory_workers_rss_bytes: { type: 'gauge', help: 'Resident set size in bytes of the worker process', labels: ['node_id', 'pid', 'kong_subsystem'] },
  kong_nginx_connections_total: { type: 'gauge', help: 'Number of connections by subsystem', labels: ['node_id', 'subsystem', 'state'] },
  kong_nginx_metric_errors_total: { type: 'counter', help: 'Number of nginx-lua-prometheus errors', labels: [] },
  kong_nginx_requests_total: { type: 'gauge', help: 'Number of requests total', labels: ['node_id', 'subsystem'] },
  kong_nginx_timers: { type: 'gauge', help: 'Number of nginx timers', labels: ['state'] },
  kong_node_info: { type: 'gauge', help: 'Kong Node metadata information', labels: ['node_id', 'version'] },
  kong_request_latency_ms: { type: 'histogram', help: 'Total latency incurred during requests for each service/route in Kong', labels: ['service', 'route', 'workspace'] },
  kong_upstream_latency_ms: { type: 'histogram', help: 'Latency added by upstream response for each service/route in Kong', labels: ['service', 'route', 'workspace'] },
  kong_upstream_target_health: {
    type: 'gauge',
    help: 'Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, value is 1 when state is populated.',
    labels: ['upstream', 'target', 'address', 'state', 'subsystem'],
  },
};
const NODE_FAMILIES = ['kong_datastore_reachable', 'kong_memory_workers_lua_vms_bytes', 'kong_memory_workers_rss_bytes', 'kong_nginx_connections_total', 'kong_nginx_requests_total', 'kong_nginx_timers', 'kong_node_info'];
const REQUEST_FAMILIES = ['kong_bandwidth_bytes', 'kong_http_requests_total', 'kong_kong_latency_ms', 'kong_request_latency_ms', 'kong_upstream_latency_ms'];

async function scrape(gw: TestGateway): Promise<{ text: string; families: Map<string, Family> }> {
  const res = await request(gw.adminPort, '/metrics');
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  if (res.headers['content-type'] !== 'text/plain; charset=UTF-8') throw new Error(`content-type ${res.headers['content-type']}`);
  return { text: res.body, families: parseExposition(res.body) };
}

/**
 * `promtool check metrics` (Prometheus' own parser and linter) over the text: null when it finds nothing but the
 * naming hints Kong's own names draw (counters named *_bytes, gauges named *_total, *_ms units), else its words.
 */
function promtool(text: string): Promise<string | null | 'absent'> {
  const KONG_NAMING = /counter metrics should have "_total" suffix|non-counter metrics should not have "_total" suffix|metric names should not contain abbreviated units/;
  return new Promise((resolve) => {
    const p = execFile('promtool', ['check', 'metrics'], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve('absent');
      const lines = `${stdout}${stderr}`.split('\n').filter((l) => l.trim() !== '');
      const problems = lines.filter((l) => !KONG_NAMING.test(l));
      // Exit 3 is "lint findings only"; anything else that is not 0 is a text it could not read.
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve(problems.length > 0 || (code !== 0 && code !== 3) ? lines.join('\n') || `exit ${String(code)}` : null);
    });
    p.stdin!.end(text);
  });
}

/** The families a route's requests have series in. */
function familiesOfRoute(families: Map<string, Family>, route: string): string[] {
  return REQUEST_FAMILIES.filter((f) => families.get(f)?.samples.some((s) => s.labels.route === route));
}

t.test('every config switch adds exactly its series, with Kong names, types, labels and buckets', async (t) => {
  const up = await upstream(t);
  const dead = 1; // nothing listens on port 1: active checks mark that target unhealthy
  const prom = (config: string) => `\n        plugins:\n          - name: prometheus\n            config: ${config}`;
  const gw = await gateway(
    t,
    `_format_version: "3.0"
consumers:
  - username: alice
    keyauth_credentials: [{ key: alice-key }]
upstreams:
  - name: pool
    healthchecks:
      active:
        healthy: { interval: 0.05, successes: 1 }
        unhealthy: { interval: 0.05, tcp_failures: 1, http_failures: 1 }
    targets:
      - target: 127.0.0.1:${up.port}
      - target: 127.0.0.1:${dead}
  - name: plain
    targets:
      - target: 127.0.0.1:${up.port}
services:
  - name: svc
    url: ${up.url}
    routes:
      - name: none
        paths: [/none]${prom('{}')}
      - name: statuses
        paths: [/statuses]${prom('{ status_code_metrics: true }')}
      - name: latency
        paths: [/latency]${prom('{ latency_metrics: true }')}
      - name: bandwidth
        paths: [/bandwidth]${prom('{ bandwidth_metrics: true }')}
      - name: consumer
        paths: [/consumer]${prom('{ per_consumer: true, status_code_metrics: true, bandwidth_metrics: true }')}
          - name: key-auth
      - name: exit
        paths: [/exit]${prom('{ status_code_metrics: true, latency_metrics: true }')}
          - name: request-termination
            config: { status_code: 403 }
  - name: pooled
    host: pool
    routes:
      - name: health
        paths: [/health]${prom('{ upstream_health_metrics: true }')}
`,
  );
  const ROWS: { route: string; headers?: Record<string, string>; status: number; families: string[] }[] = [
    { route: 'none', status: 200, families: [] },
    { route: 'statuses', status: 200, families: ['kong_http_requests_total'] },
    { route: 'latency', status: 200, families: ['kong_kong_latency_ms', 'kong_request_latency_ms', 'kong_upstream_latency_ms'] },
    { route: 'bandwidth', status: 200, families: ['kong_bandwidth_bytes'] },
    { route: 'consumer', headers: { apikey: 'alice-key' }, status: 200, families: ['kong_bandwidth_bytes', 'kong_http_requests_total'] },
    // An exit never reached the upstream: no upstream latency (Kong: latencies.proxy is -1).
    { route: 'exit', status: 403, families: ['kong_http_requests_total', 'kong_kong_latency_ms', 'kong_request_latency_ms'] },
  ];
  for (const row of ROWS) t.equal((await request(gw.port, `/${row.route}`, { headers: row.headers ?? {} })).status, row.status, `/${row.route} answers ${row.status}`);
  // The log phase runs after each response: wait for the last of them, and for the checker's verdicts.
  const { text, families } = await waitFor('every row recorded and both targets checked', async () => {
    const s = await scrape(gw);
    const health = s.families.get('kong_upstream_target_health');
    const checked = health?.samples.some((x) => x.labels.address === `127.0.0.1:${dead}` && x.labels.state === 'unhealthy' && x.value === 1);
    return ROWS.every((r) => familiesOfRoute(s.families, r.route).length === r.families.length) && checked ? s : false;
  });

  t.test('families: names, types, HELP, label names', async (t) => {
    t.same([...families.keys()].sort(), Object.keys(FAMILIES).sort(), 'every family, and only those');
    t.same([...families.keys()], [...families.keys()].sort(), 'in name order, as Kong sorts its output');
    for (const [name, want] of Object.entries(FAMILIES)) {
      const f = families.get(name)!;
      t.equal(f.type, want.type, `${name} is a ${want.type}`);
      t.equal(f.help, want.help, `${name}: Kong's HELP`);
      const expected =
        want.type === 'histogram'
          ? [[`${name}_bucket`, ...want.labels, 'le'], [`${name}_count`, ...want.labels], [`${name}_sum`, ...want.labels]]
          : [[name, ...want.labels]];
      t.same(labelNames(f), expected, `${name}: label names in Kong's order`);
    }
  });

  t.test('each switch adds its series to its own routes only', async (t) => {
    for (const row of ROWS) t.same(familiesOfRoute(families, row.route), row.families, `route ${row.route}`);
  });

  t.test('histogram buckets are Kong\'s, cumulative, ending at the count', async (t) => {
    const buckets = { kong_kong_latency_ms: KONG_BUCKETS, kong_request_latency_ms: UPSTREAM_BUCKETS, kong_upstream_latency_ms: UPSTREAM_BUCKETS };
    for (const [name, want] of Object.entries(buckets)) {
      const rows = families.get(name)!.samples.filter((s) => s.name === `${name}_bucket` && s.labels.route === 'latency');
      t.same(rows.map((s) => s.labels.le), want, `${name}: le values`);
      t.ok(rows.every((s, i) => i === 0 || s.value >= rows[i - 1]!.value), `${name}: cumulative`);
      const labels = { service: 'svc', route: 'latency', workspace: 'default' };
      t.equal(rows.at(-1)!.value, 1, `${name}: +Inf holds the one request`);
      t.equal(valueOf(families, `${name}_count`, labels), 1, `${name}_count`);
      t.ok(valueOf(families, `${name}_sum`, labels)! >= 0, `${name}_sum`);
    }
  });

  t.test('values one request leaves', async (t) => {
    const requests = (route: string, code: string, source: string, consumer = '') =>
      valueOf(families, 'kong_http_requests_total', { service: 'svc', route, code, source, workspace: 'default', consumer });
    t.equal(requests('statuses', '200', 'service'), 1, 'a proxied 200: source="service"');
    t.equal(requests('exit', '403', 'kong'), 1, 'request-termination 403: source="kong"');
    t.equal(requests('consumer', '200', 'service', 'alice'), 1, 'per_consumer: the consumer label is its username');
    for (const direction of ['ingress', 'egress']) {
      t.ok(valueOf(families, 'kong_bandwidth_bytes', { service: 'svc', route: 'bandwidth', direction, workspace: 'default', consumer: '' })! > 0, `bandwidth ${direction}`);
    }
    t.equal(valueOf(families, 'kong_nginx_metric_errors_total', {}), 0, 'no metric errors');
    t.equal(valueOf(families, 'kong_datastore_reachable', {}), 1, 'DB-less: the datastore is reachable (Kong reports 1)');
    const info = (await request(gw.adminPort, '/')).json<{ node_id: string; version: string }>();
    t.equal(valueOf(families, 'kong_node_info', { node_id: info.node_id, version: info.version }), 1, 'node_info carries the Admin API\'s node_id and version');
    t.equal(valueOf(families, 'kong_nginx_requests_total', { node_id: info.node_id, subsystem: 'http' }), ROWS.length, 'every proxied request counted');
    const states = families.get('kong_nginx_connections_total')!.samples.map((s) => s.labels.state);
    t.same(states, ['accepted', 'active', 'handled', 'reading', 'total', 'waiting', 'writing'], 'nginx stub_status states');
    t.same(families.get('kong_nginx_timers')!.samples.map((s) => s.labels.state), ['pending', 'running']);
  });

  t.test('target health: one series per state, 1 where the address is', async (t) => {
    const health = families.get('kong_upstream_target_health')!.samples;
    const state = (upstreamName: string, port: number) =>
      health.filter((s) => s.labels.upstream === upstreamName && s.labels.address === `127.0.0.1:${port}`).map((s) => [s.labels.state, s.value]);
    t.same(state('pool', up.port), [['dns_error', 0], ['healthchecks_off', 0], ['healthy', 1], ['unhealthy', 0]], 'pool: the live target is healthy');
    t.same(state('pool', dead), [['dns_error', 0], ['healthchecks_off', 0], ['healthy', 0], ['unhealthy', 1]], 'pool: the refused one is unhealthy');
    t.same(state('plain', up.port), [['dns_error', 0], ['healthchecks_off', 1], ['healthy', 0], ['unhealthy', 0]], 'no checks: healthchecks_off');
    t.ok(health.every((s) => s.labels.subsystem === 'http' && s.labels.target === s.labels.address), 'target as configured, subsystem http');
  });

  const linted = await promtool(text);
  t.test('promtool accepts the answer', { skip: linted === 'absent' ? 'promtool is not installed (Debian package prometheus)' : false }, async (t) => {
    t.equal(linted, null, 'no problem reported');
  });
});

t.test('bandwidth is the bytes on the wire, both ways', async (t) => {
  const up = await upstream(t);
  const gw = await gateway(
    t,
    `_format_version: "3.0"\nservices:\n  - name: svc\n    url: ${up.url}\n    routes:\n      - name: wire\n        paths: [/wire]\n        plugins:\n          - name: prometheus\n            config: { bandwidth_metrics: true }\n`,
  );
  const sent = 'POST /wire HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world';
  const got = await rawExchange(gw.port, sent);
  t.same(got.statuses, [200]);
  const labels = (direction: string) => ({ service: 'svc', route: 'wire', direction, workspace: 'default', consumer: '' });
  const { families } = await waitFor('bandwidth recorded', async () => {
    const s = await scrape(gw);
    return valueOf(s.families, 'kong_bandwidth_bytes', labels('egress')) !== undefined ? s : false;
  });
  t.equal(valueOf(families, 'kong_bandwidth_bytes', labels('ingress')), Buffer.byteLength(sent), 'ingress: request line, headers and body (nginx $request_length)');
  t.equal(valueOf(families, 'kong_bandwidth_bytes', labels('egress')), Buffer.byteLength(got.text, 'latin1'), 'egress: status line, headers and body (nginx $bytes_sent)');
});

t.test('label values are escaped as the format asks', async (t) => {
  const gw = await gateway(
    t,
    `_format_version: "3.0"
consumers:
  - username: 'a"b\\c'
    keyauth_credentials: [{ key: k1 }]
routes:
  - name: odd
    paths: [/odd]
    plugins:
      - name: key-auth
      - name: request-termination
        config: { status_code: 200 }
      - name: prometheus
        config: { per_consumer: true, status_code_metrics: true }
`,
  );
  t.equal((await request(gw.port, '/odd', { headers: { apikey: 'k1' } })).status, 200);
  const { text, families } = await waitFor('the request recorded', async () => {
    const s = await scrape(gw);
    return s.families.get('kong_http_requests_total') ? s : false;
  });
  t.match(text, 'consumer="a\\"b\\\\c"', 'quote and backslash escaped');
  t.equal(valueOf(families, 'kong_http_requests_total', { service: '', route: 'odd', code: '200', source: 'kong', workspace: 'default', consumer: 'a"b\\c' }), 1, 'read back as the username; a route without a service has service=""');
});

t.test('without a prometheus plugin: the node gauges only (Kong exports its local metrics)', async (t) => {
  const up = await upstream(t);
  const gw = await gateway(t, `_format_version: "3.0"\nservices:\n  - name: svc\n    url: ${up.url}\n    routes: [{ name: r, paths: [/r] }]\nupstreams:\n  - name: u\n    targets: [{ target: 127.0.0.1:${up.port} }]\n`);
  t.equal((await request(gw.port, '/r')).status, 200);
  const { families } = await scrape(gw);
  t.same([...families.keys()].sort(), NODE_FAMILIES, 'no request series, no error counter, no target health');
});

t.test('a prometheus plugin without upstream_health_metrics: no target health', async (t) => {
  const up = await upstream(t);
  const gw = await gateway(
    t,
    `_format_version: "3.0"\nplugins:\n  - name: prometheus\n    config: { status_code_metrics: true }\nupstreams:\n  - name: u\n    targets: [{ target: 127.0.0.1:${up.port} }]\n`,
  );
  const { families } = await scrape(gw);
  t.same([...families.keys()].sort(), [...NODE_FAMILIES, 'kong_nginx_metric_errors_total'].sort(), 'node gauges and the error counter');
});
