/**
 * Invariant: no request reaches an upstream without passing its route's plugins, whatever its kind.
 * Every request kind × every plugin outcome, on a real gateway (plain and TLS listeners) in front of an
 * upstream that records everything reaching it: a denied request must never arrive there, an allowed one
 * must arrive exactly once, and the client must get the plugin's status.
 */
import t from 'tap';
import { gateway } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw-client.js';
import { startRecordingUpstream } from '../helpers/recording-upstream.js';

interface Kind {
  readonly name: string;
  readonly tls?: boolean;
  /** The request text; `head` holds the case's own headers. */
  build(path: string, head: string): string;
  /** What an allowed request answers: 101 for a forwarded WebSocket handshake, else 200. */
  readonly allowed: number;
  /** The status that belongs to the case (pipelines answer an allowed request first). */
  pick(statuses: number[]): number | undefined;
}

const WS = 'Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';
const last = (s: number[]) => s[s.length - 1];
const only = (s: number[]) => (s.length === 1 ? s[0] : -s.length);

const KINDS: readonly Kind[] = [
  { name: 'plain', build: (p, h) => `GET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: close\r\n\r\n`, allowed: 200, pick: only },
  { name: 'websocket', build: (p, h) => `GET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: Upgrade\r\n${WS}\r\n`, allowed: 101, pick: only },
  {
    name: 'websocket, keep-alive listed',
    build: (p, h) => `GET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: keep-alive, Upgrade\r\n${WS}\r\n`,
    allowed: 101,
    pick: only,
  },
  {
    name: 'Upgrade: other',
    build: (p, h) => `GET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: Upgrade, close\r\nUpgrade: x\r\n\r\n`,
    allowed: 200,
    pick: only,
  },
  {
    name: 'h2c',
    build: (p, h) =>
      `GET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`,
    allowed: 200,
    pick: only,
  },
  {
    name: 'POST with Upgrade and a body',
    build: (p, h) =>
      `POST ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: Upgrade, close\r\nUpgrade: websocket\r\nContent-Length: 5\r\n\r\nhello`,
    allowed: 200,
    pick: only,
  },
  { name: 'HTTP/1.0', build: (p, h) => `GET ${p} HTTP/1.0\r\nHost: gw.test\r\n${h}\r\n`, allowed: 200, pick: only },
  {
    name: 'pipelined after an open request',
    build: (p, h) => `GET /open HTTP/1.1\r\nHost: gw.test\r\n\r\nGET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: close\r\n\r\n`,
    allowed: 200,
    pick: (s) => (s.length === 2 && s[0] === 200 ? last(s) : -s.length),
  },
  {
    name: 'pipelined upgrade after an open request',
    build: (p, h) => `GET /open HTTP/1.1\r\nHost: gw.test\r\n\r\nGET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: Upgrade\r\n${WS}\r\n`,
    allowed: 101,
    pick: (s) => (s.length === 2 && s[0] === 200 ? last(s) : -s.length),
  },
  { name: 'TLS', tls: true, build: (p, h) => `GET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: close\r\n\r\n`, allowed: 200, pick: only },
  {
    name: 'TLS websocket',
    tls: true,
    build: (p, h) => `GET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: Upgrade\r\n${WS}\r\n`,
    allowed: 101,
    pick: only,
  },
  {
    name: 'TLS h2c',
    tls: true,
    build: (p, h) => `GET ${p} HTTP/1.1\r\nHost: gw.test\r\n${h}Connection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n`,
    allowed: 200,
    pick: only,
  },
];

interface Outcome {
  readonly name: string;
  readonly path: string;
  /** Extra request headers this outcome needs (the allowed case presents a valid key). */
  readonly headers: string;
  /** null: allowed (the kind's own success status). */
  readonly status: number | null;
}

const OUTCOMES: readonly Outcome[] = [
  { name: 'allow (key-auth with a valid key)', path: '/allow', headers: 'apikey: good-key\r\n', status: null },
  { name: '401 (key-auth without a key)', path: '/auth', headers: '', status: 401 },
  { name: '401 (key-auth with a wrong key, forged consumer header)', path: '/auth', headers: 'apikey: nope\r\nX-Consumer-Username: alice\r\n', status: 401 },
  { name: '403 (ip-restriction denies 127.0.0.1)', path: '/deny', headers: 'apikey: good-key\r\n', status: 403 },
  { name: '403 (acl: consumer not allowed)', path: '/acl', headers: 'apikey: good-key\r\n', status: 403 },
  { name: '429 (rate-limiting exhausted)', path: '/limit', headers: '', status: 429 },
  { name: 'plugin answer (request-termination 418)', path: '/answer', headers: '', status: 418 },
  { name: 'plugin answer (pre-function exit 451)', path: '/exit', headers: '', status: 451 },
];

t.test('every request kind × plugin outcome: denied requests never reach the upstream', async (t) => {
  const up = await startRecordingUpstream();
  t.teardown(() => up.close());
  const gw = await gateway(
    t,
    `_format_version: "3.0"
consumers:
  - username: alice
    keyauth_credentials: [{ key: good-key }]
    acls: [{ group: users }]
services:
  - name: s
    url: ${up.url}
    routes:
      - { name: open, paths: [/open] }
      - name: allow
        paths: [/allow]
        plugins: [{ name: key-auth }]
      - name: auth
        paths: [/auth]
        plugins: [{ name: key-auth }]
      - name: deny
        paths: [/deny]
        plugins:
          - { name: key-auth }
          - { name: ip-restriction, config: { deny: [127.0.0.1] } }
      - name: acl
        paths: [/acl]
        plugins:
          - { name: key-auth }
          - { name: acl, config: { allow: [admins] } }
      - name: limit
        paths: [/limit]
        plugins: [{ name: rate-limiting, config: { hour: 1, policy: local } }]
      - name: answer
        paths: [/answer]
        plugins: [{ name: request-termination, config: { status_code: 418, message: teapot } }]
      - name: exit
        paths: [/exit]
        plugins: [{ name: pre-function, config: { access: ["kong.response.exit(451, { message: 'no' })"] } }]
`,
    { proxySslListen: '127.0.0.1:0' },
  );
  const tlsPort = gw.proxySslAddress!.port;

  // Spend the rate limit's one request, so every later /limit request must be refused.
  const warm = await rawExchange(gw.port, 'GET /limit HTTP/1.1\r\nHost: gw.test\r\nx-case: warm-up\r\nConnection: close\r\n\r\n');
  t.same(warm.statuses, [200], 'the rate limit allows its first request');

  for (const kind of KINDS.filter((k) => !process.env.MATRIX_KIND || k.name.startsWith(process.env.MATRIX_KIND))) {
    for (const outcome of OUTCOMES) {
      const id = `${kind.name} | ${outcome.name}`;
      const text = kind.build(outcome.path, `x-case: ${id}\r\n${outcome.headers}`);
      const r = await rawExchange(kind.tls ? tlsPort : gw.port, text, { tls: kind.tls === true });
      const status = kind.pick(r.statuses);
      const reached = up.casesSeen(id);
      if (outcome.status === null) {
        t.equal(status, kind.allowed, `${id}: answered ${kind.allowed}`);
        t.equal(reached.length, 1, `${id}: reached the upstream once`);
        const h = reached[0]?.headers ?? {};
        t.equal(h['x-consumer-username'], 'alice', `${id}: the upstream sees the authenticated consumer`);
        // Kong forwards an upgrade only for WebSocket; everything else arrives as a plain request.
        if (kind.allowed === 101) t.equal(reached[0]?.kind, 'upgrade', `${id}: tunnelled as a WebSocket`);
        else t.notOk(h.upgrade, `${id}: no Upgrade header reaches the upstream`);
      } else {
        t.equal(status, outcome.status, `${id}: answered ${outcome.status}`);
        t.equal(reached.length, 0, `${id}: never reached the upstream`);
      }
    }
  }
});
