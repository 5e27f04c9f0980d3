/**
 * Invariant: a graceful stop loses no request and keeps no connection alive. Idle keep-alive connections
 * close at once, a request in flight is answered with `Connection: close`, and the gateway is gone as soon
 * as the last response is out, not at the drain deadline. Plain and TLS listeners alike.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import t from 'tap';
import { startTestGateway, until } from '../helpers/gateway.js';
import { startUpstream } from '../helpers/upstream.js';

/** A raw keep-alive connection: send requests, collect what comes back, see when it closes. */
function open(port: number, tls: boolean): Promise<{ socket: Socket; text: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = tls ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : netConnect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((r) => socket.once('close', () => r(performance.now())));
    socket.once(tls ? 'secureConnect' : 'connect', () => resolve({ socket, text: () => out, closed }));
    socket.once('error', reject);
  });
}

for (const tls of [false, true]) {
  t.test(`graceful stop (${tls ? 'TLS' : 'plain'} listener)`, async (t) => {
    const up = await startUpstream('slow', (req, res) => {
      setTimeout(() => res.end(`done ${req.url}`), req.url === '/slow' ? 400 : 0);
    });
    t.teardown(() => up.close());
    const gw = await startTestGateway(
      `_format_version: "3.0"
services:
  - name: s
    url: ${up.url}
    routes: [{ name: r, paths: [/] }]
`,
      { drainTimeoutMs: 5000, ...(tls ? { proxySslListen: '127.0.0.1:0' } : {}) },
    );
    const port = tls ? gw.proxySslAddress!.port : gw.port;

    const idle = await open(port, tls);
    idle.socket.write('GET /fast HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    await until(() => idle.text().includes('done /fast'));
    t.match(idle.text(), /Connection: keep-alive/i, 'the idle connection was kept alive');

    const busy = await open(port, tls);
    busy.socket.write('GET /slow HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    await until(() => up.seen.some((r) => r.url === '/slow'));

    const started = performance.now();
    const closing = gw.close().then(() => performance.now());
    const idleClosedAt = await idle.closed;
    t.ok(idleClosedAt - started < 300, `the idle keep-alive connection closed at once (${Math.round(idleClosedAt - started)} ms)`);

    const busyClosedAt = await busy.closed;
    t.match(busy.text(), /^HTTP\/1\.1 200/, 'the request in flight was answered');
    t.match(busy.text(), /done \/slow/);
    t.match(busy.text(), /Connection: close/i, 'with Connection: close');
    const stoppedAt = await closing;
    t.ok(stoppedAt - started < 2000, `stopped when the last response was out (${Math.round(stoppedAt - started)} ms), not at the 5 s deadline`);
    t.ok(stoppedAt - busyClosedAt < 500, 'right after the last connection closed');
  });
}
