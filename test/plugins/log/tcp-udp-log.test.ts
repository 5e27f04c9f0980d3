/**
 * tcp-log and udp-log through real gateways to real receivers on 127.0.0.1 (Kong: kong/plugins/tcp-log and
 * udp-log handler.lua; spec/03-plugins/01-tcp-log, 02-udp-log): Kong's record as one JSON line per request
 * (tcp, over a kept-alive connection, TLS with and without SNI) or one JSON datagram (udp); a receiver that is
 * down, or that hangs up, never fails a request.
 */
import t from 'tap';
import { gatewayWithService, until, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { closedPort } from '../../helpers/upstream.js';
import { tcpReceiver, udpReceiver } from './receivers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON record, read field by field
type Rec = Record<string, any>;

const route = (name: string, plugin: string, config: Record<string, unknown>) => `
    - name: ${name}
      paths: [/${name}]
      plugins:
        - name: ${plugin}
          config: ${JSON.stringify(config)}
`;

t.test('tcp-log: one JSON line per request, Kong-shaped, on one kept-alive connection', async (t) => {
  const rx = await tcpReceiver(t);
  const { gw } = await gatewayWithService(t, route('tcp', 'tcp-log', { host: '127.0.0.1', port: rx.port, custom_fields_by_lua: { env: "return 'ci'" } }));
  for (let i = 0; i < 4; i++) t.equal((await request(gw.port, `/tcp/${i}`, { headers: { authorization: 'Basic eDp5' } })).status, 200);
  await waitFor('four lines', () => rx.lines.length === 4);
  const recs = rx.lines.map((l) => JSON.parse(l) as Rec);
  t.same(recs.map((r) => r.request.uri), ['/tcp/0', '/tcp/1', '/tcp/2', '/tcp/3'], 'in request order');
  const r = recs[0]!;
  t.equal(r.request.method, 'GET');
  t.equal(r.request.headers.authorization, 'REDACTED');
  t.equal(r.response.status, 200);
  t.equal(r.route.name, 'tcp');
  t.equal(r.service.name, 'svc');
  t.equal(r.env, 'ci', 'custom_fields_by_lua');
  t.type(r.latencies.proxy, 'number');
  t.equal(rx.connections.length, 1, 'the connection is kept alive and reused');
});

t.test('tcp-log: an idle connection is closed after `keepalive` ms and a new one opened for the next entry', async (t) => {
  const rx = await tcpReceiver(t);
  const { gw } = await gatewayWithService(t, route('idle', 'tcp-log', { host: '127.0.0.1', port: rx.port, keepalive: 150 }));
  await request(gw.port, '/idle/1');
  await waitFor('the line', () => rx.lines.length === 1);
  await waitFor('the idle connection closed by the gateway', () => rx.connections[0]?.ended);
  await request(gw.port, '/idle/2');
  await waitFor('the second line', () => rx.lines.length === 2);
  t.equal(rx.connections.length, 2);
});

t.test('tcp-log: a receiver that hangs up after each line gets every line on new connections', async (t) => {
  const rx = await tcpReceiver(t, { closeAfterLine: true });
  const { gw } = await gatewayWithService(t, route('hangup', 'tcp-log', { host: '127.0.0.1', port: rx.port }));
  for (let i = 0; i < 3; i++) {
    t.equal((await request(gw.port, `/hangup/${i}`)).status, 200);
    await waitFor(`line ${i}`, () => rx.lines.length === i + 1 && rx.connections[i]?.ended);
    // The gateway sees the close before the next request (the receiver closed its side first).
    await until(() => false, 50);
  }
  t.equal(rx.connections.length, 3);
});

t.test('tcp-log over TLS: SNI is tls_sni when set and none otherwise; the certificate is not verified', async (t) => {
  const rx = await tcpReceiver(t, { tls: true });
  const { gw } = await gatewayWithService(
    t,
    route('sni', 'tcp-log', { host: '127.0.0.1', port: rx.port, tls: true, tls_sni: 'logs.example.test' }) +
      route('nosni', 'tcp-log', { host: 'localhost', port: rx.port, tls: true, keepalive: 50 }),
  );
  await request(gw.port, '/sni');
  await waitFor('the TLS line', () => rx.lines.length === 1);
  await request(gw.port, '/nosni');
  await waitFor('the second TLS line', () => rx.lines.length === 2);
  t.same(rx.lines.map((l) => (JSON.parse(l) as Rec).route.name), ['sni', 'nosni']);
  t.same(rx.connections.map((c) => c.servername), ['logs.example.test', false], "Kong's sslhandshake(false, conf.tls_sni, false)");
});

t.test('tcp-log: a receiver that is down costs no request, and is logged once', async (t) => {
  const port = await closedPort();
  const { gw } = await gatewayWithService(t, route('down', 'tcp-log', { host: '127.0.0.1', port, timeout: 500 }));
  for (let i = 0; i < 5; i++) {
    const started = Date.now();
    t.equal((await request(gw.port, '/down')).status, 200);
    t.ok(Date.now() - started < 400, 'answered without waiting for the receiver');
  }
  await waitFor('the failure logged', () => gw.logs.find((l) => String(l.msg).includes(`failed to connect to 127.0.0.1:${port}`)));
  await until(() => false, 100);
  t.equal(gw.logs.filter((l) => String(l.msg).includes('failed to connect to')).length, 1, 'once per episode');
});

t.test('udp-log: one JSON datagram per request, Kong-shaped, no newline', async (t) => {
  const rx = await udpReceiver(t);
  const { gw } = await gatewayWithService(t, route('udp', 'udp-log', { host: '127.0.0.1', port: rx.port }));
  for (let i = 0; i < 3; i++) t.equal((await request(gw.port, `/udp/${i}`, { method: 'POST', body: 'hello' })).status, 200);
  await waitFor('three datagrams', () => rx.datagrams.length === 3);
  t.notOk(rx.datagrams.some((d) => d.endsWith('\n')), 'each datagram is the JSON alone');
  const recs = rx.datagrams.map((d) => JSON.parse(d) as Rec).sort((a, b) => (a.request.uri < b.request.uri ? -1 : 1));
  t.same(recs.map((r) => r.request.uri), ['/udp/0', '/udp/1', '/udp/2']);
  t.equal(recs[0]!.request.method, 'POST');
  t.equal(recs[0]!.response.status, 200);
  t.equal(recs[0]!.service.name, 'svc');
  t.type(recs[0]!.started_at, 'number');
});

t.test('udp-log: nobody listening costs no request', async (t) => {
  const port = await closedPort();
  const { gw } = await gatewayWithService(t, route('udpdown', 'udp-log', { host: '127.0.0.1', port }));
  for (let i = 0; i < 5; i++) t.equal((await request(gw.port, '/udpdown')).status, 200);
});
