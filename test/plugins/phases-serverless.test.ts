/**
 * Every phase the serverless schema accepts runs, each with an effect seen from outside: certificate (TLS
 * handshake), rewrite, access, header_filter, body_filter (with no other plugin buffering the route) and log.
 * Phases sluice does not run are refused at validation, as is consumer scoping (Kong's no_consumer).
 */
import t from 'tap';
import { loadConfigText } from '../../src/config/load.js';
import { PHASES } from '../../src/pdk/phases.js';
import { gateway, gatewayWithService, serviceYaml, type Teardown, type TestGateway, upstream, waitFor } from '../helpers/gateway.js';
import type { UpstreamHandler } from '../helpers/upstream.js';
import { request } from '../helpers/http.js';
import { httpsGet } from '../tls/client.js';

t.test('rewrite, access, header_filter, body_filter and log functions run, each with its effect', async (t) => {
  const handler: UpstreamHandler = (req, res, body) => {
    // Two writes: a chunked answer, so nothing but the serverless body_filter makes the route buffer it.
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(`path=${req.url} `);
    res.end(`x-rewrite=${String(req.headers['x-rewrite'])} x-access=${String(req.headers['x-access'])} body=${body.toString()}`);
  };
  const { gw, up } = await gatewayWithService(t, `
      - name: r
        paths: [/r]
        plugins:
          - name: post-function
            config:
              access: ["kong.service.request.set_header('x-access', 'ran')"]
              header_filter: ["kong.response.set_header('x-header-filter', String(kong.response.get_status()))"]
              body_filter: ["kong.response.set_raw_body(kong.response.get_raw_body().toString().toUpperCase())"]
              log: ["kong.log.info('log phase saw', kong.response.get_status(), kong.request.get_path())"]
`, { handler, more: `
plugins:
  - name: pre-function
    config:
      rewrite:
        - |
          kong.service.request.set_header('x-rewrite', 'ran');
          kong.service.request.set_path('/from-rewrite');
          kong.service.request.set_raw_body('sent by rewrite');
` });

  const res = await request(gw.port, '/r/original');
  t.equal(res.status, 200);
  t.equal(up.seen.length, 1);
  t.equal(up.seen[0]!.url, '/from-rewrite', 'rewrite: set_path, made before the upstream request existed, reaches it');
  t.equal(up.seen[0]!.headers['x-rewrite'], 'ran', 'rewrite: set_header reaches the upstream');
  t.equal(up.seen[0]!.body, 'sent by rewrite', 'rewrite: set_raw_body reaches the upstream');
  t.equal(up.seen[0]!.headers['x-access'], 'ran', 'access: set_header reaches the upstream');
  t.equal(res.headers['x-header-filter'], '200', 'header_filter: sets a response header');
  t.equal(res.body, 'PATH=/FROM-REWRITE X-REWRITE=RAN X-ACCESS=RAN BODY=SENT BY REWRITE', 'body_filter ran over the whole body');
  t.equal(res.headers['content-length'], String(res.body.length), 'the replaced body has its exact length');
  const line = await waitFor('the log-phase line', () => gw.logs.find((l) => String(l.msg).startsWith('log phase saw')));
  t.equal(line.msg, 'log phase saw 200 /r/original', 'log: runs after the response, with the PDK of that phase');
  t.equal(line.plugin, 'post-function');
});

t.test('certificate functions of global plugins run once per TLS handshake, before any request', async (t) => {
  const up = await upstream(t, 'up');
  const gw = await certificateGateway(t, up.url, ["kong.log.info('handshake from', kong.client.get_ip(), 'to port', kong.request.get_port())"]);
  const port = gw.proxySslAddress!.port;
  const handshakes = () => gw.logs.filter((l) => String(l.msg).startsWith('handshake from'));
  t.equal(handshakes().length, 0, 'nothing before the first handshake');

  const first = await httpsGet(port, '/', { servername: 'one.test' });
  t.equal(first.status, 200);
  t.equal(handshakes().length, 1, 'one line for the first handshake');
  t.equal(handshakes()[0]!.msg, `handshake from 127.0.0.1 to port ${port}`, 'kong.client.get_ip and kong.request.get_port work there');
  t.equal(handshakes()[0]!.sni, 'one.test', 'the line carries the server name');
  t.equal(handshakes()[0]!.phase, 'certificate');
  await httpsGet(port, '/', { servername: 'two.test' });
  t.equal(handshakes().length, 2, 'a second connection: a second handshake, a second run');
  t.equal(up.seen.length, 2, 'the requests went on to the upstream');
  t.equal(gw.logs.filter((l) => l.level === 'error').length, 0, 'no error on the way');
});

t.test('a certificate function that throws, or calls what the phase forbids, fails that handshake only', async (t) => {
  const up = await upstream(t, 'up');
  for (const [name, source, error] of [
    ['throws', "throw new Error('no certificate for you')", 'no certificate for you'],
    [
      'a request function',
      "kong.request.get_header('host')",
      'function kong.request.get_header cannot be called in certificate phase (only in: rewrite, access, header_filter, body_filter, log, ws_handshake, ws_client_frame, ws_upstream_frame, ws_close)',
    ],
    ['kong.ctx', 'kong.ctx.shared.seen = true', 'function kong.ctx.shared cannot be called in certificate phase'],
  ] as const) {
    await t.test(name, async (t) => {
      const gw = await certificateGateway(t, up.url, [source]);
      const port = gw.proxySslAddress!.port;
      await t.rejects(httpsGet(port, '/', { servername: 'a.test' }), 'the handshake is aborted (Kong: an error in ssl_certificate_by_lua)');
      const failed = gw.logs.find((l) => l.msg === 'plugin failed' && l.phase === 'certificate');
      t.ok(failed, 'the failure is logged');
      t.match(String(failed?.error), error);
      t.notMatch(String(failed?.error), /TypeError|Cannot read/, 'Kong-style error, not a TypeError');
      t.equal((await request(gw.port, '/')).status, 200, 'the gateway keeps serving');
      await t.rejects(httpsGet(port, '/', { servername: 'a.test' }), 'and fails the next handshake the same way');
    });
  }
});

t.test('handshakes without SNI: Node offers no hook before the certificate, so the phase does not run', async (t) => {
  const up = await upstream(t, 'up');
  const gw = await certificateGateway(t, up.url, ["kong.log.info('handshake')"]);
  const res = await httpsGet(gw.proxySslAddress!.port, '/');
  t.equal(res.status, 200);
  t.equal(gw.logs.filter((l) => l.msg === 'handshake').length, 0, 'documented limit (README, TLS)');
});

t.test('validation: phases sluice does not run, consumer scoping, global-only phases on scoped plugins', async (t) => {
  const validate = (yaml: string) => {
    const r = loadConfigText(`_format_version: "3.0"\n${yaml}`, 'kong.yaml');
    return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };
  for (const p of PHASES.filter((p) => !p.runs)) {
    for (const plugin of ['pre-function', 'post-function']) {
      const errors = validate(`plugins:\n  - name: ${plugin}\n    config:\n      ${p.name}: ["kong.log.info('x')"]\n`);
      t.match(errors, [new RegExp(`plugins\\[0\\]\\.config: phase ${p.name} is not supported yet`)], `${plugin}: ${p.name} refused`);
    }
  }
  for (const p of PHASES.filter((p) => p.runs)) {
    t.same(validate(`plugins:\n  - name: pre-function\n    config:\n      ${p.name}: ["kong.log.info('x')"]\n`), [], `${p.name} accepted`);
  }
  const consumer = validate(`consumers: [{ username: c }]
plugins:
  - name: pre-function
    consumer: c
    config: { access: ["kong.log.info('x')"] }
  - name: post-function
    consumer: c
    config: { access: ["kong.log.info('x')"] }
`);
  t.match(consumer, [/plugins\[0\]\.consumer: value must be null/, /plugins\[1\]\.consumer: value must be null/], 'consumer scoping refused (Kong: no_consumer)');
  const group = validate(`consumer_groups: [{ name: g }]
plugins:
  - name: pre-function
    consumer_group: g
    config: { access: ["kong.log.info('x')"] }
`);
  t.match(group, [/plugins\[0\]\.consumer_group: value must be null/], 'consumer-group scoping refused');
  t.match(validate(`plugins:\n  - name: pre-function\n    config: {}\n`), [/at least one of these fields must be non-empty: 'certificate', 'rewrite', 'access', 'header_filter', 'body_filter', 'log'/]);
});

t.test('certificate and rewrite functions on a route-scoped plugin: accepted, never run (Kong), said at load', async (t) => {
  const { gw, up } = await gatewayWithService(t, `
      - name: r
        paths: [/]
        plugins:
          - name: pre-function
            config:
              certificate: ["kong.log.info('never')"]
              rewrite: ["kong.service.request.set_header('x-never', '1')"]
              access: ["kong.service.request.set_header('x-access', '1')"]
`);
  const warning = gw.logs.find((l) => l.level === 'warn' && String(l.msg).includes('functions never run'));
  t.ok(warning, 'a warning at load');
  t.match(String(warning?.msg), 'certificate and rewrite functions never run: Kong runs those phases for global plugins only');
  await request(gw.port, '/');
  t.equal(up.seen[0]!.headers['x-access'], '1');
  t.equal(up.seen[0]!.headers['x-never'], undefined);
});

/** A gateway with a TLS listener, one route to `upstreamUrl`, and a global pre-function with these certificate functions. */
function certificateGateway(t: Teardown, upstreamUrl: string, sources: readonly string[]): Promise<TestGateway> {
  const yaml = serviceYaml(upstreamUrl, '- { name: r, paths: [/] }', `
plugins:
  - name: pre-function
    config:
      certificate: [${sources.map((src) => JSON.stringify(src)).join(', ')}]
`);
  return gateway(t, yaml, { proxySslListen: '127.0.0.1:0' });
}
