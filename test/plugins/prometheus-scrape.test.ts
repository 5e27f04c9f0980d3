/**
 * A real Prometheus server (Debian's `prometheus`) scrapes a real gateway's status listener every half second;
 * known requests go through the gateway (several routes; 200 from the service, 404 from the service, 403 from
 * ip-restriction, a key-auth consumer counted per_consumer), and PromQL over what Prometheus stored must return
 * exactly those counts. Skipped, saying so, only when the prometheus binary is not installed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { gateway, type Teardown, upstream, waitFor } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { closedPort } from '../helpers/upstream.js';

const installed = spawnSync('prometheus', ['--version'], { stdio: 'ignore', timeout: 20_000 }).error === undefined;

interface Vector {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** Starts prometheus on 127.0.0.1 with a temp config and storage; stopped (and its files removed) when `t` ends. */
async function startPrometheus(t: Teardown, target: string): Promise<{ port: number; log: () => string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-prometheus-'));
  const port = await closedPort();
  await writeFile(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 500ms\n  scrape_timeout: 400ms\nscrape_configs:\n  - job_name: sluice\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  let log = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (log = (log + s).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  });
  await waitFor('prometheus ready', async () => (await request(port, '/-/ready').catch(() => null))?.status === 200, 60_000);
  return { port, log: () => log };
}

async function query(port: number, promql: string): Promise<Vector[]> {
  const res = await request(port, `/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = res.json<{ status: string; data: { resultType: string; result: Vector[] } }>();
  if (body.status !== 'success') throw new Error(`${promql}: ${res.body}`);
  return body.data.result;
}

/** A vector as sorted `label=value,…  N` lines: one string to compare with what is expected. */
function lines(v: readonly Vector[], labels: readonly string[]): string[] {
  return v.map((s) => `${labels.map((l) => `${l}=${s.metric[l] ?? ''}`).join(',')} ${Number(s.value[1])}`).sort();
}

t.test('Prometheus scrapes the status listener and PromQL returns the request counts', { skip: installed ? false : 'prometheus is not installed (Debian package prometheus)' }, async (t) => {
  const up = await upstream(t, 'svc', (req, res) => {
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain' });
    res.end('hello');
  });
  const gw = await gateway(
    t,
    `_format_version: "3.0"
consumers:
  - username: alice
    keyauth_credentials: [{ key: alice-key }]
plugins:
  - name: prometheus
    config: { per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true }
services:
  - name: svc
    url: ${up.url}
    routes:
      - name: ok
        paths: [/ok]
        strip_path: false
      - name: missing
        paths: [/missing]
        strip_path: false
      - name: denied
        paths: [/denied]
        plugins:
          - name: ip-restriction
            config: { deny: [127.0.0.1] }
      - name: keyed
        paths: [/keyed]
        plugins:
          - name: key-auth
`,
    { statusListen: '127.0.0.1:0' },
  );
  const status = gw.statusAddress!;
  const prom = await startPrometheus(t, `${status.host}:${status.port}`);

  const sent: [path: string, status: number, headers?: Record<string, string>][] = [
    ['/ok', 200],
    ['/ok', 200],
    ['/ok', 200],
    ['/missing', 404],
    ['/missing', 404],
    ['/denied', 403],
    ['/keyed', 200, { apikey: 'alice-key' }],
    ['/keyed', 200, { apikey: 'alice-key' }],
    ['/keyed', 401],
  ];
  for (const [path, want, headers] of sent) t.equal((await request(gw.port, path, { headers: headers ?? {} })).status, want, `${path} → ${want}`);

  const expected = [
    'route=denied,code=403,source=kong,consumer= 1',
    'route=keyed,code=200,source=service,consumer=alice 2',
    'route=keyed,code=401,source=kong,consumer= 1',
    'route=missing,code=404,source=service,consumer= 2',
    'route=ok,code=200,source=service,consumer= 3',
  ];
  const promql = 'sum by (route, code, source, consumer) (kong_http_requests_total)';
  let seen: string[] = [];
  const got = await waitFor(
    'PromQL sees every request',
    async () => {
      seen = lines(await query(prom.port, promql), ['route', 'code', 'source', 'consumer']);
      return JSON.stringify(seen) === JSON.stringify(expected) ? seen : false;
    },
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last answer ${JSON.stringify(seen)}; prometheus said: ${prom.log()}`);
  });
  t.same(got, expected, promql);

  t.same(lines(await query(prom.port, 'up{job="sluice"}'), ['job']), ['job=sluice 1'], 'the target is up');
  const targets = (await request(prom.port, '/api/v1/targets')).json<{ data: { activeTargets: { health: string; lastError: string }[] } }>();
  t.same(targets.data.activeTargets.map((x) => [x.health, x.lastError]), [['up', '']], 'scrapes parse without error');
  t.same(lines(await query(prom.port, 'sum(kong_request_latency_ms_count)'), []), [' 9'], 'every request observed in the latency histogram');
  // The median lies in the bucket holding the 5th of the 9 requests, whatever their latency on a busy machine.
  const buckets = (await query(prom.port, 'sum by (le) (kong_request_latency_ms_bucket)'))
    .map((s) => ({ le: s.metric.le === '+Inf' ? Infinity : Number(s.metric.le), count: Number(s.value[1]) }))
    .sort((a, b) => a.le - b.le);
  const at = buckets.findIndex((b) => b.count >= 4.5);
  const [low, high] = [at > 0 ? buckets[at - 1]!.le : 0, buckets[at]?.le ?? Number.NaN];
  const p50 = await query(prom.port, 'histogram_quantile(0.5, sum by (le) (kong_request_latency_ms_bucket))');
  const median = Number(p50[0]?.value[1]);
  t.ok(p50.length === 1 && median >= low && median <= high, `histogram_quantile reads the buckets: ${median} within [${low}, ${high}]`);
  const egress = await query(prom.port, 'sum by (route) (kong_bandwidth_bytes{direction="egress"})');
  t.same(egress.map((s) => s.metric.route).sort(), ['denied', 'keyed', 'missing', 'ok'], 'egress bytes for every route');
  t.ok(egress.every((s) => Number(s.value[1]) > 0), 'egress bytes counted');
  const info = (await request(gw.adminPort, '/')).json<{ node_id: string }>();
  t.same(lines(await query(prom.port, 'kong_node_info'), ['node_id', 'version']), [`node_id=${info.node_id},version=3.10.0 1`], 'kong_node_info');
  t.same(lines(await query(prom.port, 'kong_datastore_reachable'), []), [' 1'], 'kong_datastore_reachable');
});
