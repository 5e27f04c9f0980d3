import t from 'tap';
import { gateway } from '../helpers/gateway.js';
import { startWebSocketEcho, websocketRoundTrip } from '../helpers/websocket.js';

t.test('WebSocket upgrades are proxied on ws routes', async (t) => {
  const ws = await startWebSocketEcho();
  t.teardown(() => ws.close());
  const gw = await gateway(t, `_format_version: "3.0"
services:
  - name: chat
    url: http://127.0.0.1:${ws.port}/socket
    routes:
      - name: chat
        paths: [/chat]
`);
  const out = await websocketRoundTrip(gw.port, '/chat/room1?x=1', 'hello');
  t.equal(out.status, 101);
  t.equal(out.reply, 'echo:hello', 'frames flow both ways');
  t.equal(ws.urls[0], '/socket/room1?x=1', 'upstream path built as for plain requests');
  const missing = await websocketRoundTrip(gw.port, '/nothing', 'x');
  t.equal(missing.status, 404, 'no route → 404 on upgrades too');
});
