/**
 * statsd through real gateways to a real StatsD receiver on 127.0.0.1 (Kong: kong/plugins/statsd/log.lua,
 * statsd_logger.lua; spec/03-plugins/06-statsd/01-log_spec.lua, whose expected lines these rows follow):
 * Kong's default metrics and names, every tag style, identifiers, sample rates, packet combining, TCP,
 * allow_status_codes, hostname_in_prefix, unmatched requests; a receiver that is down never fails a request.
 */
import { hostname } from 'node:os';
import t, { type Test } from 'tap';
import { DEFAULT_WORKSPACE } from '../../../src/schema/workspace.js';
import { gatewayWithService, until, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { closedPort } from '../../helpers/upstream.js';
import { tcpReceiver, udpReceiver } from './receivers.js';

const WS = DEFAULT_WORKSPACE.id;
const NODE = hostname().replaceAll('.', '_');
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CONSUMERS = `
consumers:
  - username: bob
    custom_id: robert
    keyauth_credentials: [{ key: k-bob }]
`;

/** A route `name` with key-auth and statsd (config as JSON) sending to `port`. */
const route = (name: string, port: number, config: Record<string, unknown> = {}) => `
    - name: ${name}
      paths: [/${name}]
      plugins:
        - name: key-auth
        - name: statsd
          config: ${JSON.stringify({ host: '127.0.0.1', port, ...config })}
`;

/** Every line the receiver got, datagrams split at `\n` (combined packets). */
const linesOf = (datagrams: readonly string[]) => datagrams.flatMap((d) => d.split('\n')).filter((l) => l !== '');

/**
 * Waits for the lines, then checks there are exactly `want`, in order. A wanted line is literal text where `{n}`
 * stands for a number and `{uuid}` for an id.
 */
async function expectLines(t: Test, got: () => string[], want: readonly string[]): Promise<void> {
  await waitFor(`${want.length} lines`, () => got().length >= want.length);
  await until(() => false, 150); // nothing more arrives
  const lines = got();
  t.equal(lines.length, want.length, `exactly these lines:\n${lines.join('\n')}`);
  want.forEach((w, i) => t.match(lines[i], new RegExp(`^${esc(w).replaceAll('\\{n\\}', '\\d+').replaceAll('\\{uuid\\}', UUID)}$`), w));
}

t.test("default metrics: Kong's names under service.<name>, per consumer, per workspace, per route", async (t) => {
  const rx = await udpReceiver(t);
  const { gw } = await gatewayWithService(t, route('r', rx.port), { more: CONSUMERS });
  t.equal((await request(gw.port, '/r', { headers: { apikey: 'k-bob' } })).status, 200);
  await expectLines(t, () => linesOf(rx.datagrams), [
    'kong.service.svc.request.count:1|c',
    'kong.service.svc.latency:{n}|ms',
    'kong.service.svc.request.size:{n}|c',
    'kong.service.svc.status.200:1|c',
    'kong.service.svc.response.size:{n}|c',
    'kong.service.svc.user.uniques:robert|s',
    'kong.service.svc.user.robert.request.count:1|c',
    'kong.service.svc.upstream_latency:{n}|ms',
    'kong.service.svc.kong_latency:{n}|ms',
    'kong.service.svc.user.robert.status.200:1|c',
    `kong.service.svc.workspace.${WS}.status.200:1|c`,
    'kong.route.{uuid}.user.robert.status.200:1|c',
  ]);
});

// Kong's default order of the plain metrics: request_count, latency, request_size, response_size, upstream_latency, kong_latency.
const PLAIN = ['request.count:1|c', 'latency:{n}|ms', 'request.size:{n}|c', 'response.size:{n}|c', 'upstream_latency:{n}|ms', 'kong_latency:{n}|ms'];
const TAGS: Record<string, { line: (stat: string, value: string, tags: string) => string; tag: (k: string, v: string) => string }> = {
  dogstatsd: { line: (s, v, tags) => `kong.${s}:${v}|#${tags}`, tag: (k, v) => `${k}:${v}` },
  influxdb: { line: (s, v, tags) => `kong.${s},${tags}:${v}`, tag: (k, v) => `${k}=${v}` },
  librato: { line: (s, v, tags) => `kong.${s}#${tags}:${v}`, tag: (k, v) => `${k}=${v}` },
  signalfx: { line: (s, v, tags) => `kong.${s}[${tags}]:${v}`, tag: (k, v) => `${k}=${v}` },
};

for (const [style, f] of Object.entries(TAGS)) {
  t.test(`tag_style ${style}: the plain metrics, tagged; the per-user and per-status ones skipped`, async (t) => {
    const rx = await udpReceiver(t);
    const { gw } = await gatewayWithService(t, route('tagged', rx.port, { tag_style: style }), { more: CONSUMERS });
    await request(gw.port, '/tagged', { headers: { apikey: 'k-bob' } });
    const tags = [['service', 'svc'], ['route', 'tagged'], ['workspace', WS], ['consumer', 'robert'], ['node', NODE], ['status', '200']]
      .map(([k, v]) => f.tag(k!, v!))
      .join(',');
    await expectLines(
      t,
      () => linesOf(rx.datagrams),
      PLAIN.map((m) => {
        const at = m.indexOf(':');
        return f.line(m.slice(0, at), m.slice(at + 1), tags);
      }),
    );
  });
}

t.test('identifiers, sample rates and a stat type per metric', async (t) => {
  const rx = await udpReceiver(t);
  const metrics = [
    { name: 'request_count', stat_type: 'counter', sample_rate: 0.5, service_identifier: 'service_id' },
    { name: 'status_count_per_user', stat_type: 'counter', sample_rate: 1, consumer_identifier: 'username' },
    { name: 'latency', stat_type: 'gauge', sample_rate: 1 },
    { name: 'unique_users', stat_type: 'set', consumer_identifier: 'consumer_id' },
    { name: 'status_count_per_workspace', stat_type: 'counter', sample_rate: 1, workspace_identifier: 'workspace_name' },
  ];
  const { gw } = await gatewayWithService(t, route('ids', rx.port, { metrics }), { more: CONSUMERS });
  await request(gw.port, '/ids', { headers: { apikey: 'k-bob' } });
  await expectLines(t, () => linesOf(rx.datagrams), [
    'kong.service.{uuid}.request.count:1|c|@0.5',
    'kong.service.svc.user.bob.status.200:1|c',
    'kong.service.svc.latency:{n}|g',
    'kong.service.svc.user.uniques:{uuid}|s',
    'kong.service.svc.workspace.default.status.200:1|c',
  ]);
});

t.test('udp_packet_size: lines combined into datagrams no larger than it', async (t) => {
  const rx = await udpReceiver(t);
  const { gw } = await gatewayWithService(t, route('packed', rx.port, { udp_packet_size: 200 }), { more: CONSUMERS });
  await request(gw.port, '/packed', { headers: { apikey: 'k-bob' } });
  await waitFor('the twelve lines', () => linesOf(rx.datagrams).length === 12);
  t.ok(rx.datagrams.length > 1 && rx.datagrams.length < 12, `combined: ${rx.datagrams.length} datagrams`);
  t.ok(rx.datagrams.every((d) => Buffer.byteLength(d) <= 200), 'none larger than udp_packet_size');
});

t.test('use_tcp: each line `\\n`-terminated on a connection', async (t) => {
  const rx = await tcpReceiver(t);
  const { gw } = await gatewayWithService(t, route('tcp', rx.port, { use_tcp: true, metrics: [{ name: 'request_count', stat_type: 'counter', sample_rate: 1 }] }));
  for (let i = 0; i < 3; i++) await request(gw.port, '/tcp', { headers: { apikey: 'k-bob' } });
  await waitFor('three lines', () => rx.lines.length === 3);
  t.same(rx.lines, ['kong.service.svc.request.count:1|c', 'kong.service.svc.request.count:1|c', 'kong.service.svc.request.count:1|c']);
  t.equal(rx.connections.length, 1, 'one kept-alive connection');
});

t.test('allow_status_codes, hostname_in_prefix and prefix', async (t) => {
  const rx = await udpReceiver(t);
  const one = [{ name: 'status_count', stat_type: 'counter', sample_rate: 1 }];
  const { gw } = await gatewayWithService(
    t,
    route('only4xx', rx.port, { metrics: one, allow_status_codes: ['400-499'] }) + route('node', rx.port, { metrics: one, hostname_in_prefix: true, prefix: 'edge' }),
    { more: CONSUMERS },
  );
  t.equal((await request(gw.port, '/only4xx', { headers: { apikey: 'k-bob' } })).status, 200);
  t.equal((await request(gw.port, '/only4xx')).status, 401);
  await request(gw.port, '/node', { headers: { apikey: 'k-bob' } });
  await expectLines(t, () => linesOf(rx.datagrams), ['kong.service.svc.status.401:1|c', `edge.node.${NODE}.service.svc.status.200:1|c`]);
});

t.test('a global statsd sees unmatched requests under global.unmatched', async (t) => {
  const rx = await udpReceiver(t);
  const { gw } = await gatewayWithService(t, `- name: r\n  paths: [/r]\n`, {
    more: `plugins:\n  - name: statsd\n    config: ${JSON.stringify({ host: '127.0.0.1', port: rx.port, metrics: [{ name: 'request_count', stat_type: 'counter', sample_rate: 1 }, { name: 'status_count', stat_type: 'counter', sample_rate: 1 }] })}\n`,
  });
  t.equal((await request(gw.port, '/nowhere')).status, 404);
  await expectLines(t, () => linesOf(rx.datagrams), ['kong.global.unmatched.request.count:1|c', 'kong.global.unmatched.status.404:1|c']);
});

t.test('a StatsD server that is down never fails a request (UDP and TCP)', async (t) => {
  const port = await closedPort();
  const { gw } = await gatewayWithService(t, route('udpdown', port) + route('tcpdown', port, { use_tcp: true, queue: { max_retry_time: 0.1, initial_retry_delay: 0.02 } }), { more: CONSUMERS });
  for (let i = 0; i < 5; i++) {
    t.equal((await request(gw.port, '/udpdown', { headers: { apikey: 'k-bob' } })).status, 200);
    t.equal((await request(gw.port, '/tcpdown', { headers: { apikey: 'k-bob' } })).status, 200);
  }
  await waitFor('the TCP batches given up', () => gw.logs.find((l) => String(l.msg).includes('max_retry_time exceeded')));
});
