/** Kong EE's handshake checks for ws/wss services (spec-ee 18-websockets/03-proxy_spec.lua "client handshake validation"). */
import t from 'tap';
import type { IncomingHttpHeaders } from 'node:http';
import { handshakeErrorMessage, handshakeProblem, upstreamExtensionsProblem } from '../../src/proxy/engine/websocket-handshake.js';

const valid: IncomingHttpHeaders = {
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-version': '13',
};

t.test('a request that is not a WebSocket handshake gets Kong\'s 400 reason', async (t) => {
  const rows: [name: string, method: string, headers: IncomingHttpHeaders, want: string | null][] = [
    ['valid', 'GET', valid, null],
    ['Connection with other tokens', 'GET', { ...valid, connection: 'keep-alive, Upgrade' }, null],
    ['Upgrade in any case', 'GET', { ...valid, upgrade: 'WebSocket' }, null],
    ['not a GET', 'POST', valid, 'invalid request method'],
    ['no Connection', 'GET', { ...valid, connection: undefined }, "invalid/missing 'Connection' header"],
    ['Connection without upgrade', 'GET', { ...valid, connection: 'nope' }, "invalid/missing 'Connection' header"],
    ['a plain GET', 'GET', {}, "invalid/missing 'Connection' header"],
    ['no Upgrade', 'GET', { ...valid, upgrade: undefined }, "invalid/missing 'Upgrade' header"],
    ['Upgrade not websocket', 'GET', { ...valid, upgrade: 'h2c' }, "invalid/missing 'Upgrade' header"],
    ['no key', 'GET', { ...valid, 'sec-websocket-key': undefined }, "invalid/missing 'Sec-WebSocket-Key' header"],
    ['key twice (node:http joins it)', 'GET', { ...valid, 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==' }, "invalid/missing 'Sec-WebSocket-Key' header"],
    ['no version', 'GET', { ...valid, 'sec-websocket-version': undefined }, "invalid/missing 'Sec-WebSocket-Version' header"],
    ['version 14', 'GET', { ...valid, 'sec-websocket-version': '14' }, "invalid/missing 'Sec-WebSocket-Version' header"],
    ['version twice', 'GET', { ...valid, 'sec-websocket-version': '13, 13' }, "invalid/missing 'Sec-WebSocket-Version' header"],
  ];
  for (const [name, method, headers, want] of rows) t.equal(handshakeProblem(method, headers), want, name);
  t.equal(handshakeErrorMessage('invalid request method'), 'Cannot complete WebSocket handshake: invalid request method');
});

t.test('an upstream that accepts an extension the gateway removed is refused (Kong: 501)', async (t) => {
  t.equal(upstreamExtensionsProblem({ upgrade: 'websocket' }), null);
  t.equal(
    upstreamExtensionsProblem({ 'sec-websocket-extensions': 'permessage-deflate' }),
    'WebSocket upstream sent unsupported Sec-WebSocket-Extensions (permessage-deflate)',
  );
});
