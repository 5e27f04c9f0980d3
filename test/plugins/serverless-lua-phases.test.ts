/**
 * Every phase the serverless schema accepts runs Lua functions too ("accepted means working"): certificate
 * (a TLS handshake with SNI), rewrite, access, header_filter, body_filter (ngx.arg), log, and Kong Enterprise's
 * ws_handshake / ws_client_frame / ws_upstream_frame / ws_close with kong.websocket. Kong runs the same list
 * (kong/plugins/pre-function/_handler.lua's phases; spec/03-plugins/33-serverless-functions/04-phases_spec.lua).
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { WebSocket, WebSocketServer } from 'ws';
import { gateway, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { waitFor } from '../pdk/wait-for.js';
import { httpsGet } from '../tls/client.js';

t.test('certificate, rewrite, access, header_filter, body_filter and log run Lua, each with its effect', async (t) => {
  const up = await upstream(t, 'up');
  const gw = await gateway(
    t,
    `_format_version: "3.0"
services:
  - name: s
    url: ${up.url}
    routes:
      - name: r
        paths: [/r]
        plugins:
          - name: post-function
            config:
              access: ['kong.service.request.set_header("x-access", ngx.get_phase())']
              header_filter: ['ngx.header["X-Status"] = tostring(ngx.status)']
              body_filter: ['ngx.arg[1] = string.upper(ngx.arg[1])']
              log: ['kong.log.info("lua log phase ", ngx.var.status, " ", ngx.var.request_uri)']
plugins:
  - name: pre-function
    config:
      certificate: ['kong.log.info("lua handshake from ", kong.client.get_ip(), " in ", ngx.get_phase())']
      rewrite: ['kong.service.request.set_header("x-rewrite", ngx.get_phase())']
`,
    { proxySslListen: '127.0.0.1:0' },
  );
  const res = await request(gw.port, '/r/x');
  t.equal(res.status, 200);
  t.equal(up.seen[0]!.headers['x-rewrite'], 'rewrite');
  t.equal(up.seen[0]!.headers['x-access'], 'access');
  t.equal(res.headers['x-status'], '200');
  t.match(res.body, /"UPSTREAM":"UP"/, 'body_filter replaced the body through ngx.arg[1]');
  const log = await waitFor(() => gw.logs.find((l) => String(l.msg).startsWith('lua log phase')));
  t.equal(log.msg, 'lua log phase 200 /r/x');

  const tls = await httpsGet(gw.proxySslAddress!.port, '/r/y', { servername: 'one.test' });
  t.equal(tls.status, 200);
  const hs = gw.logs.find((l) => String(l.msg).startsWith('lua handshake'));
  t.equal(hs?.msg, 'lua handshake from 127.0.0.1 in ssl_cert');
  t.equal(hs?.sni, 'one.test');
});

t.test('ws_* phases run Lua with kong.websocket', async (t) => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws) => ws.on('message', (d) => ws.send(`${d.toString()}!`)));
  await new Promise<void>((r) => wss.once('listening', () => r()));
  t.teardown(() => new Promise<void>((r) => wss.close(() => r())));
  const gw = await gateway(
    t,
    `_format_version: "3.0"
services:
  - name: chat
    url: ws://127.0.0.1:${(wss.address() as AddressInfo).port}
    routes:
      - name: chat
        protocols: [ws]
        paths: [/chat]
        plugins:
          - name: pre-function
            config:
              ws_handshake: ['kong.log.info("lua ws_handshake")']
              ws_client_frame:
                - |
                  local data = kong.websocket.client.get_frame()
                  if data == "drop" then return kong.websocket.client.drop_frame() end
                  kong.websocket.client.set_frame_data(data:upper())
              ws_upstream_frame: ['local data, kind = kong.websocket.upstream.get_frame() kong.websocket.upstream.set_frame_data(data .. "(" .. kind .. ")")']
              ws_close: ['kong.log.info("lua ws_close")']
`,
  );
  const messages: string[] = [];
  await new Promise<void>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/chat`);
    ws.on('open', () => {
      ws.send('hi');
      ws.send('drop');
      ws.send('yo');
    });
    ws.on('message', (d) => {
      messages.push(d.toString());
      if (messages.length === 2) ws.close();
    });
    ws.on('close', () => resolve());
    ws.on('error', () => resolve());
  });
  t.same(messages, ['HI!(text)', 'YO!(text)'], 'client frames changed and dropped, upstream frames changed, multiple returns of get_frame');
  await waitFor(() => gw.logs.find((l) => l.msg === 'lua ws_close'));
  t.ok(gw.logs.some((l) => l.msg === 'lua ws_handshake'));
});
