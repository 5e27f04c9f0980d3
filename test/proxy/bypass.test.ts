/**
 * Attacks on the gateway's promises, one per trick: a denied request reaching the upstream, a client
 * removing or forging a header the gateway sets, an upgrade smuggled past the plugins. Each case failed on
 * the lifecycle before issue 11 (a second, plugin-less path for upgrades) and must hold on both engines.
 */
import t from 'tap';
import { startTestGateway, type TestGateway, until } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw-client.js';
import { type RecordingUpstream, startRecordingUpstream } from '../helpers/recording-upstream.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

let up: RecordingUpstream;
let plain: Upstream;
let gw: TestGateway;

t.before(async () => {
  up = await startRecordingUpstream();
  plain = await startUpstream('declines-upgrades');
  gw = await startTestGateway(`_format_version: "3.0"
consumers:
  - username: alice
    keyauth_credentials: [{ key: alice-key }]
services:
  - name: s
    url: ${up.url}
    routes:
      - { name: open, paths: [/open] }
      - name: secret
        paths: [/secret]
        plugins:
          - { name: key-auth }
          - { name: ip-restriction, config: { deny: [127.0.0.1] } }
      - name: keyed
        paths: [/keyed]
        plugins: [{ name: key-auth }]
      - name: stamped
        paths: [/stamped]
        plugins:
          - name: post-function
            config:
              header_filter: ["kong.response.set_header('X-Stamped', String(kong.response.get_status()))"]
              log: ["kong.log.info('tunnel logged', kong.request.get_path())"]
  - name: declines
    url: ${plain.url}
    routes:
      - name: declined
        paths: [/declined]
        plugins:
          - name: post-function
            config:
              header_filter: ["kong.response.set_header('X-Stamped', String(kong.response.get_status()))"]
              body_filter: ["kong.response.set_raw_body('filtered')"]
`);
});
t.teardown(async () => {
  await gw?.close();
  await up?.close();
  await plain?.close();
});

// Without a Connection header of its own, a request asks the gateway to close after answering (the raw client
// reads until the connection closes).
const get = (path: string, headers: string, id: string) =>
  `GET ${path} HTTP/1.1\r\nHost: gw.test\r\nx-case: ${id}\r\n${/^connection:/im.test(headers) ? headers : `${headers}Connection: close\r\n`}\r\n`;

t.test('Connection: Upgrade with any Upgrade value does not skip the plugins', async (t) => {
  const cases: [string, string][] = [
    ['Upgrade: x', 'Connection: Upgrade, close\r\nUpgrade: x\r\n'],
    ['keep-alive, Upgrade', 'Connection: keep-alive, Upgrade, close\r\nUpgrade: x\r\n'],
    ['websocket', 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'],
    ['WebSocket, mixed case', 'Connection: upgrade\r\nUpgrade: WebSocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'],
    ['h2c', 'Connection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n'],
  ];
  for (const [name, headers] of cases) {
    const id = `upgrade-bypass ${name}`;
    const r = await rawExchange(gw.port, get('/secret', `${headers}apikey: alice-key\r\n`, id));
    t.same(r.statuses, [403], `${name}: ip-restriction answers`);
    t.equal(up.casesSeen(id).length, 0, `${name}: nothing reached the upstream`);
    const anon = `upgrade-bypass anon ${name}`;
    const r2 = await rawExchange(gw.port, get('/keyed', headers, anon));
    t.same(r2.statuses, [401], `${name}: key-auth answers`);
    t.equal(up.casesSeen(anon).length, 0, `${name}: nothing reached the upstream without a key`);
  }
});

t.test('h2c cannot be smuggled: the upstream gets a plain request without Upgrade', async (t) => {
  const id = 'h2c smuggle';
  const r = await rawExchange(
    gw.port,
    get('/open', 'Connection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n', id),
  );
  t.same(r.statuses, [200], 'answered as a plain request, never 101');
  const seen = up.casesSeen(id);
  t.equal(seen.length, 1);
  t.equal(seen[0]!.kind, 'request');
  t.notOk(seen[0]!.headers.upgrade, 'no Upgrade header upstream');
  t.notOk(seen[0]!.headers['http2-settings'], 'Connection-listed HTTP2-Settings dropped');
  t.notMatch(String(seen[0]!.headers.connection ?? ''), /upgrade/i, 'no upgrade token upstream');
});

t.test('the Connection list cannot remove headers the gateway sets', async (t) => {
  const listed = 'X-Forwarded-For, X-Real-IP, X-Forwarded-Proto, X-Forwarded-Host, X-Forwarded-Port, X-Forwarded-Path, X-Kong-Request-Id, Via, Host';
  for (const [kind, extra] of [
    ['plain', `Connection: close, ${listed}\r\n`],
    ['upper case', `Connection: close, ${listed.toUpperCase()}\r\n`],
    ['websocket', `Connection: Upgrade, ${listed}\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n`],
  ] as const) {
    const id = `connection-strip ${kind}`;
    const r = await rawExchange(gw.port, get('/open', `${extra}X-Client-Own: mine\r\n`, id));
    t.ok(r.statuses[0] === 200 || r.statuses[0] === 101, `${kind}: proxied`);
    const h = up.casesSeen(id)[0]?.headers ?? {};
    t.equal(h['x-forwarded-for'], '127.0.0.1', `${kind}: X-Forwarded-For set`);
    t.equal(h['x-real-ip'], '127.0.0.1', `${kind}: X-Real-IP set`);
    t.equal(h['x-forwarded-proto'], 'http', `${kind}: X-Forwarded-Proto set`);
    t.equal(h['x-forwarded-host'], 'gw.test', `${kind}: X-Forwarded-Host set`);
    t.equal(h['x-forwarded-port'], String(gw.port), `${kind}: X-Forwarded-Port set`);
    t.equal(h['x-forwarded-path'], '/open', `${kind}: X-Forwarded-Path set`);
    t.match(String(h['x-kong-request-id']), /^[0-9a-f]{32}$/, `${kind}: X-Kong-Request-Id set`);
    t.match(String(h.via), /kong/, `${kind}: Via set`);
    t.equal(h.host, `127.0.0.1:${up.port}`, `${kind}: Host set`);
    t.equal(h['x-client-own'], 'mine', `${kind}: a header not listed still arrives`);
  }
  const id = 'connection-strip client header';
  await rawExchange(gw.port, get('/open', 'Connection: close, X-Client-Own\r\nX-Client-Own: mine\r\n', id));
  t.notOk(up.casesSeen(id)[0]?.headers['x-client-own'], "a client's own header named in Connection is removed (RFC 9110)");
});

t.test('forged consumer headers never reach the upstream, on upgrades too', async (t) => {
  const forged = 'X-Consumer-Username: admin\r\nX-Consumer-ID: 00000000-0000-0000-0000-000000000000\r\nX-Consumer-Custom-ID: root\r\nX-Anonymous-Consumer: false\r\nX-Credential-Identifier: forged\r\n';
  for (const [kind, extra] of [
    ['plain', ''],
    ['websocket', 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'],
    ['Upgrade: x', 'Connection: Upgrade, close\r\nUpgrade: x\r\n'],
  ] as const) {
    const id = `forged ${kind}`;
    await rawExchange(gw.port, get('/keyed', `${extra}${forged}apikey: alice-key\r\n`, id));
    const h = up.casesSeen(id)[0]?.headers ?? {};
    t.equal(h['x-consumer-username'], 'alice', `${kind}: the real consumer`);
    t.not(h['x-consumer-id'], '00000000-0000-0000-0000-000000000000', `${kind}: consumer id not forged`);
    t.notOk(h['x-consumer-custom-id'], `${kind}: custom id cleared (alice has none)`);
    t.notOk(h['x-anonymous-consumer'], `${kind}: anonymous flag cleared`);
    t.not(h['x-credential-identifier'], 'forged', `${kind}: credential identifier not forged`);
    const anon = `forged without key ${kind}`;
    const r = await rawExchange(gw.port, get('/keyed', `${extra}${forged}`, anon));
    t.same(r.statuses, [401], `${kind}: forged headers alone do not authenticate`);
    t.equal(up.casesSeen(anon).length, 0);
  }
});

t.test('Host headers nginx refuses answer 400 and route nowhere', async (t) => {
  const cases: [string, string][] = [
    ['two Host headers', 'GET /open HTTP/1.1\r\nHost: gw.test\r\nHost: other.test\r\nx-case: host-1\r\n\r\n'],
    ['two Host headers, second empty', 'GET /open HTTP/1.1\r\nHost: gw.test\r\nhost:\r\nx-case: host-2\r\n\r\n'],
    ['a path in Host', 'GET /open HTTP/1.1\r\nHost: a.example/x\r\nx-case: host-3\r\n\r\n'],
    ['a backslash in Host', 'GET /open HTTP/1.1\r\nHost: a.example\\x\r\nx-case: host-4\r\n\r\n'],
    ['an empty label', 'GET /open HTTP/1.1\r\nHost: a..example\r\nx-case: host-5\r\n\r\n'],
    ['only a port', 'GET /open HTTP/1.1\r\nHost: :80\r\nx-case: host-6\r\n\r\n'],
    ['empty Host', 'GET /open HTTP/1.1\r\nHost: \r\nx-case: host-7\r\n\r\n'],
    ['HTTP/1.1 without Host', 'GET /open HTTP/1.1\r\nx-case: host-8\r\n\r\n'],
    ['upgrade with two Host headers', 'GET /open HTTP/1.1\r\nHost: gw.test\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nx-case: host-9\r\n\r\n'],
    ['absolute form with a bad authority', 'GET http://a..example/open HTTP/1.1\r\nHost: gw.test\r\nx-case: host-10\r\n\r\n'],
  ];
  for (const [i, [name, text]] of cases.entries()) {
    const r = await rawExchange(gw.port, text);
    t.equal(r.statuses[0], 400, `${name}: 400`);
    t.equal(up.casesSeen(`host-${i + 1}`).length, 0, `${name}: not proxied`);
  }
  for (const [name, host] of [
    ['a trailing dot', 'gw.test.'],
    ['a port', 'gw.test:8000'],
    ['an IPv6 literal', '[::1]:8000'],
    ['upper case', 'GW.TEST'],
  ] as const) {
    const r = await rawExchange(gw.port, `GET /open HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    t.same(r.statuses, [200], `${name} is a valid Host`);
  }
  const r = await rawExchange(gw.port, 'GET /open HTTP/1.0\r\n\r\n');
  t.same(r.statuses, [200], 'HTTP/1.0 may omit Host');
});

// Proxy-Authorization is relayed, as Kong 3.x does (Kong/kong#7724, RFC 7235 §4.4: proxies may relay it to
// the next proxy); basic-auth's hide_credentials removes it when it carried the credentials
// (test/plugins/auth/basic-auth.test.ts).

t.test('pipelining cannot carry a request past its plugins', async (t) => {
  const r = await rawExchange(
    gw.port,
    `GET /open HTTP/1.1\r\nHost: gw.test\r\n\r\n${get('/keyed', 'Connection: Upgrade\r\nUpgrade: x\r\n', 'pipe-1')}${get('/keyed', 'Connection: close\r\n', 'pipe-2')}`,
  );
  t.same(r.statuses, [200, 401, 401], r.text);
  t.equal(up.casesSeen('pipe-1').length + up.casesSeen('pipe-2').length, 0);
});

t.test('header_filter runs on an upgrade, on the 101 and on a declined handshake', async (t) => {
  const ws = await rawExchange(
    gw.port,
    get('/stamped', 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n', 'stamp-1'),
  );
  t.same(ws.statuses, [101]);
  t.match(ws.text, /X-Stamped: 101/i, 'header_filter saw the 101');
  const declined = await rawExchange(
    gw.port,
    get('/declined', 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n', 'stamp-2'),
  );
  t.same(declined.statuses, [200], 'an upstream that declines the upgrade is relayed');
  t.match(declined.text, /X-Stamped: 200/i, 'header_filter ran on the declined answer');
  t.match(declined.text, /\r\n\r\nfiltered$/, 'body_filter ran on it too');
});

t.test('log runs once, when the tunnel closes', async (t) => {
  const before = gw.logs.filter((l) => l.msg === 'tunnel logged /stamped').length;
  const ws = await rawExchange(
    gw.port,
    get('/stamped', 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n', 'log-1'),
  );
  t.same(ws.statuses, [101]);
  // rawExchange closed the client side after the 101: the tunnel is torn down and its log phase runs.
  await until(() => gw.logs.filter((l) => l.msg === 'tunnel logged /stamped').length > before, 2000);
  t.equal(gw.logs.filter((l) => l.msg === 'tunnel logged /stamped').length, before + 1, JSON.stringify(gw.logs.filter((l) => String(l.msg).includes('tunnel') || l.level === 'error')));
});
