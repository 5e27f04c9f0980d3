/**
 * The WebSocket phases on a real gateway: ws_handshake after access, ws_client_frame / ws_upstream_frame per
 * message with kong.websocket, ws_close then log when the connection ends; a ws route refuses what is not a
 * handshake; a plugin's answer at the handshake keeps the upstream from ever seeing it.
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { WebSocket, WebSocketServer } from 'ws';
import { startTestGateway, until } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

interface Echo {
  port: number;
  handshakes: number;
  close(): Promise<void>;
}

async function echoServer(): Promise<Echo> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const echo = { port: 0, handshakes: 0, close: () => new Promise<void>((r) => wss.close(() => r())) };
  wss.on('connection', (ws) => {
    echo.handshakes++;
    ws.on('message', (data, binary) => ws.send(binary ? data : `${data.toString()}!`));
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  echo.port = (wss.address() as AddressInfo).port;
  return echo;
}

/**
 * Opens a client, runs `talk`, resolves with what arrived and how the connection closed. With `closeAfter`,
 * the client closes (1000) once that many messages arrived; a session still open after 5 s is cut.
 */
function session(
  url: string,
  talk: (ws: WebSocket) => void,
  opts: { headers?: Record<string, string>; closeAfter?: number } = {},
): Promise<{ status: number | null; messages: string[]; code: number; reason: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: opts.headers ?? {} });
    const messages: string[] = [];
    let status: number | null = null;
    const timer = setTimeout(() => ws.terminate(), 5000);
    ws.on('upgrade', (res) => (status = res.statusCode ?? null));
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      resolve({ status: res.statusCode ?? null, messages, code: -1, reason: '' });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => talk(ws));
    ws.on('message', (d) => {
      messages.push(d.toString());
      if (messages.length === opts.closeAfter) ws.close(1000, 'done');
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ status, messages, code, reason: reason.toString() });
    });
    ws.on('error', () => undefined);
  });
}

t.test('ws_* phases run on a ws route, in order, with kong.websocket', async (t) => {
  const echo = await echoServer();
  t.teardown(() => echo.close());
  const gw = await startTestGateway(`_format_version: "3.0"
consumers:
  - username: alice
    keyauth_credentials: [{ key: alice-key }]
services:
  - name: chat
    url: ws://127.0.0.1:${echo.port}
    routes:
      - name: chat
        protocols: [ws]
        paths: [/chat]
        plugins:
          - name: pre-function
            config:
              ws_handshake:
                - kong.websocket.client.set_max_payload_size(64); kong.log.info('phase ws_handshake')
              ws_client_frame:
                - |
                  const [data] = kong.websocket.client.get_frame()
                  if (data === 'drop') kong.websocket.client.drop_frame()
                  else if (data === 'bye') kong.websocket.client.close(4000, 'client said bye', 4001, 'gateway closed')
                  else kong.websocket.client.set_frame_data(String(data).toUpperCase())
              ws_upstream_frame:
                - "const [data] = kong.websocket.upstream.get_frame(); kong.websocket.upstream.set_frame_data(data + '?')"
              ws_close: ["kong.log.info('phase ws_close')"]
              log: ["kong.log.info('phase log')"]
      - name: guarded
        protocols: [ws]
        paths: [/guarded]
        plugins:
          - { name: key-auth }
      - name: refused
        protocols: [ws]
        paths: [/refused]
        plugins:
          - name: pre-function
            config:
              ws_handshake: ["kong.response.exit(403, { message: 'not you' })"]
`);
  t.teardown(() => gw.close());
  const base = `ws://127.0.0.1:${gw.port}`;

  const r = await session(`${base}/chat`, (ws) => {
    ws.send('hello');
    ws.send('drop');
    ws.send('x');
  }, { closeAfter: 2 });
  t.equal(r.status, 101);
  t.same(r.messages, ['HELLO!?', 'X!?'], 'client frames changed, a dropped one never arrived, upstream frames changed');

  const big = await session(`${base}/chat`, (ws) => ws.send('y'.repeat(65)));
  t.equal(big.code, 1009, 'a message over the handshake-set 64-byte limit closes the client with 1009');

  const bye = await session(`${base}/chat`, (ws) => ws.send('bye'));
  t.equal(bye.code, 4000, 'kong.websocket.client.close closes the client with its status');
  t.equal(bye.reason, 'client said bye');

  // ws_close, then log: each session logged both, in that order.
  const phases = () => gw.logs.map((l) => String(l.msg)).filter((m) => m.startsWith('phase '));
  await until(() => phases().filter((m) => m === 'phase log').length >= 3, 2000);
  const seen = phases();
  t.equal(seen.filter((m) => m === 'phase ws_handshake').length, 3);
  t.equal(seen.filter((m) => m === 'phase ws_close').length, 3);
  t.equal(seen.filter((m) => m === 'phase log').length, 3);
  t.ok(seen.indexOf('phase ws_close') < seen.indexOf('phase log'), 'ws_close runs before log');

  const handshakesBefore = echo.handshakes;
  const denied = await session(`${base}/guarded`, () => undefined);
  t.equal(denied.status, 401, 'access plugins run on ws routes: key-auth refuses the handshake');
  const allowed = await session(`${base}/guarded`, (ws) => ws.send('hi'), { headers: { apikey: 'alice-key' }, closeAfter: 1 });
  t.same(allowed.messages, ['hi!'], 'with a key the frames flow');
  const refused = await session(`${base}/refused`, () => undefined);
  t.equal(refused.status, 403, 'ws_handshake can answer');
  t.equal(echo.handshakes, handshakesBefore + 1, 'only the allowed handshake reached the upstream');

  const plain = await request(gw.port, '/chat');
  t.equal(plain.status, 400, 'a plain request to a ws route is refused');
  t.match(plain.body, /Cannot complete WebSocket handshake/);
});

t.test('frame phases on an http route relay frames too; other tunnels stay byte pipes', async (t) => {
  const echo = await echoServer();
  t.teardown(() => echo.close());
  const gw = await startTestGateway(`_format_version: "3.0"
services:
  - name: s
    url: http://127.0.0.1:${echo.port}
    routes:
      - name: framed
        paths: [/framed]
        plugins:
          - name: post-function
            config:
              ws_client_frame: ["kong.websocket.client.set_frame_data('[' + kong.websocket.client.get_frame()[0] + ']')"]
      - { name: piped, paths: [/piped] }
`);
  t.teardown(() => gw.close());
  const framed = await session(`ws://127.0.0.1:${gw.port}/framed`, (ws) => ws.send('a'), { closeAfter: 1 });
  t.same(framed.messages, ['[a]!']);
  const piped = await session(`ws://127.0.0.1:${gw.port}/piped`, (ws) => ws.send('a'), { closeAfter: 1 });
  t.same(piped.messages, ['a!']);
});
