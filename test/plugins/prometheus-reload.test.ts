/**
 * Metric state is the gateway's, not a snapshot's: a reload that keeps a route keeps its series (counters and
 * histograms carry on), a route or service the new configuration no longer has loses its series, a failed
 * reload changes nothing, and two gateways in one process count apart.
 */
import t from 'tap';
import { gateway, type TestGateway, upstream, waitFor } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { type Family, parseExposition, valueOf } from './prometheus-text.js';

const PROMETHEUS = 'plugins:\n  - name: prometheus\n    config: { status_code_metrics: true, latency_metrics: true }\n';

function config(url: string, routes: Record<string, string[]>, plugins = PROMETHEUS): string {
  const services = Object.entries(routes)
    .map(([service, names]) => `  - name: ${service}\n    url: ${url}\n    routes:\n${names.map((r) => `      - { name: ${r}, paths: [/${r}] }\n`).join('')}`)
    .join('');
  return `_format_version: "3.0"\n${plugins}services:\n${services}`;
}

async function metrics(gw: TestGateway): Promise<Map<string, Family>> {
  return parseExposition((await request(gw.adminPort, '/metrics')).body);
}

/** `service/route count` for every kong_http_requests_total series, sorted. */
async function counts(gw: TestGateway): Promise<string[]> {
  const f = (await metrics(gw)).get('kong_http_requests_total');
  return (f?.samples ?? []).map((s) => `${s.labels.service}/${s.labels.route} ${s.value}`).sort();
}

async function send(gw: TestGateway, ...paths: string[]): Promise<void> {
  for (const p of paths) if ((await request(gw.port, p)).status !== 200) throw new Error(`${p} did not answer 200`);
}

/** Waits until the log phase has counted what was sent (it runs after each response). */
async function countsReach(gw: TestGateway, want: string[]): Promise<string[]> {
  let last: string[] = [];
  return waitFor(`counts ${JSON.stringify(want)} (last ${JSON.stringify(last)})`, async () => {
    last = await counts(gw);
    return JSON.stringify(last) === JSON.stringify(want) ? last : false;
  });
}

t.test('reloads keep the series of routes that stay and drop the others', async (t) => {
  const up = await upstream(t);
  const gw = await gateway(t, config(up.url, { svc: ['keep', 'drop'], other: ['moved'] }));
  await send(gw, '/keep', '/keep', '/drop', '/moved');
  t.same(await countsReach(gw, ['other/moved 1', 'svc/drop 1', 'svc/keep 2']), ['other/moved 1', 'svc/drop 1', 'svc/keep 2'], 'before the reload');

  // `drop` goes, `moved` changes service (a new label set), `fresh` comes.
  await gw.writeConfig(config(up.url, { svc: ['keep', 'fresh'], renamed: ['moved'] }));
  t.equal((await gw.reload()).status, 'swapped');
  t.same(await counts(gw), ['svc/keep 2'], 'the route that stayed kept its count; the others are gone');
  const keep = { service: 'svc', route: 'keep', workspace: 'default' };
  t.equal(valueOf(await metrics(gw), 'kong_request_latency_ms_count', keep), 2, 'and its histogram');
  t.equal(valueOf(await metrics(gw), 'kong_request_latency_ms_count', { service: 'svc', route: 'drop', workspace: 'default' }), undefined, "no histogram for the removed route");

  await send(gw, '/keep', '/fresh', '/moved');
  t.same(await countsReach(gw, ['renamed/moved 1', 'svc/fresh 1', 'svc/keep 3']), ['renamed/moved 1', 'svc/fresh 1', 'svc/keep 3'], 'counting goes on');

  await gw.writeConfig('_format_version: "3.0"\nservices: [{ name: broken, url: "not a url" }]\n');
  t.equal((await gw.reload()).status, 'failed', 'a broken file does not load');
  t.same(await counts(gw), ['renamed/moved 1', 'svc/fresh 1', 'svc/keep 3'], 'a failed reload changes nothing');

  // Without a prometheus plugin Kong exports the node's gauges only; its dictionary keeps the counters.
  await gw.writeConfig(config(up.url, { svc: ['keep'] }, ''));
  t.equal((await gw.reload()).status, 'swapped');
  t.notOk((await metrics(gw)).has('kong_http_requests_total'), 'no request series while no plugin is configured');
  await gw.writeConfig(config(up.url, { svc: ['keep'] }));
  t.equal((await gw.reload()).status, 'swapped');
  t.same(await counts(gw), ['svc/keep 3'], 'back with the plugin: the count of the route that stayed');
});

t.test('two gateways in one process keep separate metrics', async (t) => {
  const up = await upstream(t);
  const yaml = config(up.url, { svc: ['r'] });
  const [a, b] = await Promise.all([gateway(t, yaml), gateway(t, yaml)]);
  await send(a, '/r', '/r');
  t.same(await countsReach(a, ['svc/r 2']), ['svc/r 2'], 'gateway A counted its requests');
  t.same(await counts(b), [], 'gateway B counted none of them');
  await send(b, '/r');
  t.same(await countsReach(b, ['svc/r 1']), ['svc/r 1'], 'and B its own');
  await a.close();
  t.same(await counts(b), ['svc/r 1'], "A's stop leaves B's metrics alone");
});
