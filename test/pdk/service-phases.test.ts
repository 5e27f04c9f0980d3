/**
 * Every kong.service.* function in every phase: where Kong allows it, its effect as the upstream (or the
 * client) sees it; elsewhere, Kong's phase error — never a TypeError. The allowed phases are written here by
 * hand from Kong's source (kong/pdk/service*.lua check_phase), so the PDK's table is checked, not copied.
 *
 * One global pre-function runs a dispatcher in every phase: the request names the case (x-case) and the phase
 * to call it in (x-phase). rewrite-phase calls happen before the upstream request exists: their effects
 * reaching the upstream is the point of the rewrite column.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { gateway, serviceYaml, type TestGateway, upstream, waitFor } from '../helpers/gateway.js';
import { request, type Response } from '../helpers/http.js';
import type { EchoedRequest, Upstream } from '../helpers/upstream.js';
import { makePki, yamlPem } from '../tls/pki.js';
import { startTlsUpstream } from '../tls/tls-upstream.js';

type Phase = 'rewrite' | 'access' | 'header_filter' | 'body_filter' | 'log';
const PHASES: readonly Phase[] = ['rewrite', 'access', 'header_filter', 'body_filter', 'log'];
const BEFORE_UPSTREAM: readonly Phase[] = ['rewrite', 'access'];
const ACCESS: readonly Phase[] = ['access'];
const RESPONSE: readonly Phase[] = ['header_filter', 'body_filter', 'log'];

interface Seen {
  readonly res: Response;
  /** What reached upstream A / B for this request. */
  readonly a: EchoedRequest | undefined;
  readonly b: EchoedRequest | undefined;
  /** The case function's return value, JSON (logged by the dispatcher when it did not throw). */
  readonly value: unknown;
  /** Connections the resetting upstream took for this request. */
  readonly resets: number;
}

type Check = [actual: unknown, expected: unknown, what?: string];

interface Case {
  readonly fn: string;
  readonly route: string;
  readonly allowed: readonly Phase[];
  /** Body of `function (kong) { … }`, run in the phase under test. */
  readonly run: string;
  /** Run in access before, whatever the phase under test (e.g. turning buffering on). */
  readonly prep?: string;
  readonly headers?: Record<string, string>;
  /** What must hold after the call: [actual, expected, what]. */
  readonly effect: (seen: Seen) => Check[];
  /** Cells where sluice knowingly differs from Kong for now. */
  readonly todo?: Partial<Record<Phase, string>>;
}

const pki = makePki();
t.teardown(() => pki.cleanup());
const serverPair = pki.issue('upstream', { san: 'IP:127.0.0.1' });
const client = pki.issue('sluice-client', { clientAuth: true });
const CA = JSON.stringify(pki.ca.cert);
const CA_ID = '6b2c1a0e-0000-4000-8000-0000000000ca';

const CASES: readonly Case[] = [
  {
    fn: 'kong.service.set_upstream',
    route: '/echo',
    allowed: ACCESS,
    run: "return kong.service.set_upstream('other-up');",
    effect: (s) => [
      [s.value, [true, null]],
      [s.b !== undefined, true, 'the request went to the Upstream entity named'],
      [s.a, undefined],
    ],
  },
  {
    fn: 'kong.service.set_target',
    route: '/echo',
    allowed: BEFORE_UPSTREAM,
    run: 'kong.service.set_target("127.0.0.1", Number(kong.request.get_header("x-b-port")));',
    effect: (s) => [
      [s.b !== undefined, true, 'the request went to the target'],
      [s.a, undefined],
    ],
  },
  {
    fn: 'kong.service.set_retries',
    route: '/reset',
    allowed: ACCESS,
    run: 'kong.service.set_retries(1);',
    effect: (s) => [
      [s.res.status, 502],
      [s.resets, 2, 'one try and one retry (the service says 3 retries)'],
    ],
  },
  {
    fn: 'kong.service.set_timeouts',
    route: '/slow',
    allowed: ACCESS,
    // undici's timers tick once a second: a read timeout of 500 ms fires within about a second.
    run: 'kong.service.set_timeouts(1000, 1000, 500);',
    effect: (s) => [[s.res.status, 504, 'read timeout of 500 ms on an upstream answering after 2.5 s']],
  },
  {
    fn: 'kong.service.set_tls_verify',
    route: '/tls',
    allowed: BEFORE_UPSTREAM,
    run: 'return kong.service.set_tls_verify(true);',
    effect: (s) => [
      [s.value, [true, null]],
      [s.res.status, 502, 'an untrusted upstream certificate is refused once verification is on'],
    ],
  },
  {
    fn: 'kong.service.set_tls_verify_store',
    route: '/tls-verify',
    allowed: BEFORE_UPSTREAM,
    run: `return kong.service.set_tls_verify_store(${CA});`,
    effect: (s) => [[s.res.status, 200, 'the store makes the upstream trusted']],
  },
  {
    fn: 'kong.service.set_tls_verify_depth',
    route: '/tls-trusted',
    allowed: BEFORE_UPSTREAM,
    run: 'return kong.service.set_tls_verify_depth(0);',
    effect: (s) => [
      [s.value, [true, null]],
      [s.res.status, 502, 'a leaf signed by the root needs depth 1'],
    ],
  },
  {
    fn: 'kong.service.set_tls_cert_key',
    route: '/mtls',
    allowed: BEFORE_UPSTREAM,
    run: `return kong.service.set_tls_cert_key(${JSON.stringify(client.cert)}, ${JSON.stringify(client.key)});`,
    effect: (s) => [
      [s.res.status, 200],
      [s.res.json().clientCn, 'sluice-client', 'the client certificate was presented'],
    ],
  },
  {
    fn: 'kong.service.request.enable_buffering',
    route: '/chunked',
    allowed: BEFORE_UPSTREAM,
    run: 'kong.service.request.enable_buffering();',
    effect: (s) => [
      [s.res.headers['transfer-encoding'], undefined, 'read whole, then sent'],
      [s.res.headers['content-length'], String(s.res.body.length)],
    ],
  },
  {
    fn: 'kong.service.request.set_scheme',
    route: '/https-to-http',
    allowed: BEFORE_UPSTREAM,
    run: "kong.service.request.set_scheme('http');",
    effect: (s) => [
      [s.res.status, 200, 'plain http to an http upstream behind an https service'],
      [s.a !== undefined, true],
    ],
  },
  {
    fn: 'kong.service.request.set_path',
    route: '/echo?q=1',
    allowed: BEFORE_UPSTREAM,
    run: "kong.service.request.set_path('/changed path');",
    effect: (s) => [[s.a?.url, '/changed%20path?q=1', 'escaped (Kong), query kept']],
  },
  {
    fn: 'kong.service.request.set_raw_query',
    route: '/echo?q=1',
    allowed: BEFORE_UPSTREAM,
    run: "kong.service.request.set_raw_query('a=1&b');",
    effect: (s) => [[s.a?.url, '/?a=1&b']],
  },
  {
    fn: 'kong.service.request.set_query',
    route: '/echo?q=1',
    allowed: BEFORE_UPSTREAM,
    run: "kong.service.request.set_query({ b: '2', a: ['1', 'x'], flag: true, off: false });",
    effect: (s) => [[s.a?.url, '/?a=1&a=x&b=2&flag', 'sorted; true is a bare key, false is left out (Kong)']],
  },
  {
    fn: 'kong.service.request.clear_query_arg',
    route: '/echo?drop=1&keep=a+b&drop=2',
    allowed: BEFORE_UPSTREAM,
    run: "kong.service.request.clear_query_arg('drop');",
    effect: (s) => [[s.a?.url, '/?keep=a%20b']],
  },
  {
    fn: 'kong.service.request.set_method',
    route: '/echo',
    allowed: BEFORE_UPSTREAM,
    run: "kong.service.request.set_method('PUT');",
    effect: (s) => [[s.a?.method, 'PUT']],
  },
  {
    fn: 'kong.service.request.set_header',
    route: '/echo',
    allowed: BEFORE_UPSTREAM,
    run: "kong.service.request.set_header('x-set', 'v');",
    effect: (s) => [[s.a?.headers['x-set'], 'v']],
  },
  {
    fn: 'kong.service.request.add_header',
    route: '/echo',
    allowed: BEFORE_UPSTREAM,
    headers: { 'x-add': 'one' },
    run: "kong.service.request.add_header('x-add', 'two');",
    effect: (s) => [[s.a?.headers['x-add'], 'one, two']],
  },
  {
    fn: 'kong.service.request.clear_header',
    route: '/echo',
    allowed: BEFORE_UPSTREAM,
    headers: { 'x-clear': '1' },
    run: "kong.service.request.clear_header('x-clear');",
    effect: (s) => [[s.a?.headers['x-clear'], undefined]],
  },
  {
    fn: 'kong.service.request.set_headers',
    route: '/echo',
    allowed: BEFORE_UPSTREAM,
    run: "kong.service.request.set_headers({ 'x-h1': 1, 'x-h2': ['a', 'b'] });",
    effect: (s) => [
      [s.a?.headers['x-h1'], '1'],
      [s.a?.headers['x-h2'], 'a, b'],
    ],
  },
  {
    fn: 'kong.service.request.set_raw_body',
    route: '/echo',
    allowed: BEFORE_UPSTREAM,
    run: "kong.service.request.set_raw_body('raw body');",
    effect: (s) => [
      [s.a?.body, 'raw body'],
      [s.a?.headers['content-length'], '8'],
    ],
  },
  {
    fn: 'kong.service.request.set_body',
    route: '/echo',
    allowed: BEFORE_UPSTREAM,
    run: "return kong.service.request.set_body({ k: 'v' }, 'application/json');",
    effect: (s) => [
      [s.value, [true, null]],
      [s.a?.body, '{"k":"v"}'],
      [s.a?.headers['content-type'], 'application/json'],
    ],
  },
  {
    fn: 'kong.service.response.get_status',
    route: '/echo',
    allowed: RESPONSE,
    run: 'return kong.service.response.get_status();',
    effect: (s) => [[s.value, 200]],
  },
  {
    fn: 'kong.service.response.get_header',
    route: '/echo',
    allowed: RESPONSE,
    run: "return kong.service.response.get_header('X-Upstream');",
    effect: (s) => [[s.value, 'A']],
  },
  {
    fn: 'kong.service.response.get_headers',
    route: '/echo',
    allowed: RESPONSE,
    run: "return kong.service.response.get_headers()['x-upstream'];",
    effect: (s) => [[s.value, 'A']],
  },
  {
    fn: 'kong.service.response.get_raw_body',
    route: '/echo',
    allowed: RESPONSE,
    prep: 'kong.service.request.enable_buffering();',
    run: 'return JSON.parse(kong.service.response.get_raw_body().toString()).upstream;',
    effect: (s) => [
      [s.value, 'A'],
    ],

  },
  {
    fn: 'kong.service.response.get_body',
    route: '/echo',
    allowed: RESPONSE,
    prep: 'kong.service.request.enable_buffering();',
    run: 'const [body, err, mime] = kong.service.response.get_body(); return [body.upstream, err, mime];',
    effect: (s) => [
      [s.value, ['A', null, 'application/json']],
    ],

  },
];

/** The dispatcher every phase runs: the case the request names, if the request names this phase. */
function dispatcher(): string {
  const cases = CASES.map(
    (c) => `${JSON.stringify(c.fn)}: { run: function (kong) { ${c.run} }, prep: ${c.prep ? `function (kong) { ${c.prep} }` : 'null'} }`,
  ).join(',\n');
  return `function (kong) {
  const CASES = {
${cases}
  };
  const name = kong.request.get_header('x-case');
  if (name === null) return;
  const c = CASES[name];
  if (c.prep !== null && kong.phase === 'access') c.prep(kong);
  if (kong.request.get_header('x-phase') !== kong.phase) return;
  const v = c.run(kong);
  kong.log.info('case-result', JSON.stringify({ n: kong.request.get_header('x-n'), v: v === undefined ? null : v }));
}`;
}

interface Upstreams {
  a: Upstream;
  b: Upstream;
  slow: Upstream;
  reset: { port: number; connections: number; server: Server };
  tls: { port: number; close(): Promise<void> };
  mtls: { port: number; close(): Promise<void> };
}

function config(u: Upstreams, phases: readonly Phase[]): string {
  const fn = JSON.stringify(dispatcher());
  const svc = (name: string, url: string, extra = '') => `
  - name: ${name}
    url: ${url}${extra}
    routes: [{ name: ${name}, paths: [/${name}] }]`;
  return `_format_version: "3.0"
ca_certificates:
  - id: ${CA_ID}
    cert: ${yamlPem(pki.ca.cert, 6)}
upstreams:
  - name: other-up
    targets: [{ target: "127.0.0.1:${u.b.port}" }]
services:${svc('echo', `http://127.0.0.1:${u.a.port}/`)}${svc('chunked', `http://127.0.0.1:${u.a.port}/chunked`)}${svc(
    'https-to-http',
    `https://127.0.0.1:${u.a.port}/`,
  )}${svc('reset', `http://127.0.0.1:${u.reset.port}/`, '\n    retries: 3')}${svc('slow', `http://127.0.0.1:${u.slow.port}/`, '\n    retries: 0')}${svc(
    'tls',
    `https://127.0.0.1:${u.tls.port}/`,
  )}${svc('tls-verify', `https://127.0.0.1:${u.tls.port}/`, '\n    tls_verify: true')}${svc(
    'tls-trusted',
    `https://127.0.0.1:${u.tls.port}/`,
    `\n    tls_verify: true\n    ca_certificates: [${CA_ID}]`,
  )}${svc('mtls', `https://127.0.0.1:${u.mtls.port}/`)}
plugins:
  - name: pre-function
    config:
${phases.map((p) => `      ${p}: [${fn}]`).join('\n')}
`;
}

async function resettingUpstream(): Promise<Upstreams['reset']> {
  const state = { connections: 0 };
  const server = createTcpServer((s: Socket) => {
    state.connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(state, { port: (server.address() as AddressInfo).port, server });
}

t.test('kong.service.* × phase: effect where Kong allows the call, Kong\'s phase error elsewhere', async (t) => {
  const a = await upstream(t, 'A', (req, res, body) => {
    if (req.url?.startsWith('/chunked')) {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'A' });
      res.write('one ');
      res.end('two');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'A' });
    res.end(JSON.stringify({ upstream: 'A', method: req.method, url: req.url, body: body.toString() }));
  });
  const b = await upstream(t, 'B');
  const slow = await upstream(t, 'slow', (_req, res) => {
    setTimeout(() => res.end('late'), 2500).unref();
  });
  const reset = await resettingUpstream();
  const tls = await startTlsUpstream(serverPair);
  const mtls = await startTlsUpstream(serverPair, pki.ca.cert);
  const u: Upstreams = { a, b, slow, reset, tls, mtls };
  t.teardown(async () => {
    await Promise.all([tls.close(), mtls.close()]);
    await new Promise<void>((r) => reset.server.close(() => r()));
  });

  // body_filter functions make every route buffer its response, which would hide enable_buffering's effect:
  // that column runs on a gateway of its own.
  const main = await gateway(t, config(u, ['rewrite', 'access', 'header_filter', 'log']));
  const buffering = await gateway(t, config(u, ['rewrite', 'access', 'body_filter']));

  let n = 0;
  const call = async (gw: TestGateway, c: Case, phase: Phase | null): Promise<Seen & { logs: Record<string, unknown>[] }> => {
    const id = String(++n);
    const logsBefore = gw.logs.length;
    const aBefore = a.seen.length;
    const bBefore = b.seen.length;
    const resetsBefore = reset.connections;
    const res = await request(gw.port, c.route, {
      headers: { 'x-case': c.fn, 'x-phase': phase ?? 'none', 'x-n': id, 'x-b-port': String(b.port), ...c.headers },
    });
    // The log phase runs after the response: wait for its line (a result or a failure) when it matters.
    if (phase === 'log') await waitFor(`case ${id}'s log line`, () => gw.logs.slice(logsBefore).find((l) => l.msg === 'plugin failed' || String(l.msg).startsWith('case-result')));
    const logs = gw.logs.slice(logsBefore);
    const result = logs.find((l) => String(l.msg).startsWith('case-result'));
    const value = result ? (JSON.parse(String(result.msg).slice('case-result '.length)) as { v: unknown }).v : undefined;
    return {
      res,
      a: a.seen.slice(aBefore).find((r) => r.headers['x-n'] === id),
      b: b.seen.slice(bBefore).find((r) => r.headers['x-n'] === id),
      value,
      resets: reset.connections - resetsBefore,
      logs,
    };
  };

  for (const c of CASES) {
    await t.test(c.fn, async (t) => {
      const control = await call(main, c, null);
      t.equal(control.logs.filter((l) => l.level === 'error').length, 0, 'control: no error');
      for (const phase of PHASES) {
        const gw = phase === 'body_filter' ? buffering : main;
        const todo = c.todo?.[phase];
        await t.test(phase, todo ? { todo } : {}, async (t) => {
          const seen = await call(gw, c, phase);
          const failure = seen.logs.find((l) => l.msg === 'plugin failed');
          if (c.allowed.includes(phase)) {
            t.notOk(failure, `no error (${String(failure?.error ?? '')})`);
            for (const [actual, expected, what] of c.effect(seen)) t.same(actual, expected, what ?? 'effect');
            return;
          }
          const only = PHASES.filter((p) => c.allowed.includes(p)).join(', ');
          t.ok(failure, 'the call fails');
          // Kong's phases, then whichever WebSocket phases sluice runs (Kong Enterprise's ws_handshake is access).
          const message = new RegExp(`function ${c.fn.replaceAll('.', '\\.')} cannot be called in ${phase} phase \\(only in: ${only}(, ws_\\w+)*\\)`);
          t.match(String(failure?.error), message, "Kong's message");
          if (phase !== 'log') t.equal(seen.res.status, 500, 'answered 500 like any plugin error');
          t.equal(seen.value, undefined, 'the function did not return');
        });
      }
      // Without the call the effect is absent, so each effect check can fail.
      const holds = c.effect(control).every(([actual, expected]) => JSON.stringify(actual) === JSON.stringify(expected));
      t.notOk(holds, 'control: the effect is absent without the call');
    });
  }
});

t.test('rewrite-phase changes keep their call order when replayed on the upstream request', async (t) => {
  const up = await upstream(t, 'up');
  const gw = await gateway(t, serviceYaml(`${up.url}/base`, '- { name: r, paths: [/r] }', `
plugins:
  - name: pre-function
    config:
      rewrite:
        - |
          kong.service.request.set_header('x-a', 'first');
          kong.service.request.clear_header('x-a');
          kong.service.request.add_header('x-b', '1');
          kong.service.request.add_header('x-b', '2');
          kong.service.request.clear_header('x-client');
          kong.service.request.set_raw_query('z=1&drop=2');
          kong.service.request.clear_query_arg('drop');
      access:
        - kong.service.request.set_header('x-seen-in-access', kong.request.get_header('x-client') ?? 'none')
`));
  await request(gw.port, '/r/x?q=1', { headers: { 'x-client': 'c' } });
  const seen = up.seen[0]!;
  t.equal(seen.url, '/base/x?z=1', 'the route\'s upstream path, then the recorded query changes in order');
  t.equal(seen.headers['x-a'], undefined, 'set then cleared: cleared');
  t.equal(seen.headers['x-b'], '1, 2');
  t.equal(seen.headers['x-client'], undefined, 'a client header cleared in rewrite does not reach the upstream');
  t.equal(seen.headers['x-seen-in-access'], 'c', 'kong.request still shows the client request');
});
