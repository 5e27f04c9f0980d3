/**
 * kong.log.serialize()'s record as Kong's kong/pdk/log.lua builds it (http subsystem), seen from a log-phase
 * function through a real gateway: every top-level field, latencies that add up, tries with retries, the
 * entities themselves, redaction, and set_serialize_value's set/add/replace modes and escaped dots.
 */
import t from 'tap';
import { gateway, upstream, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { closedPort } from '../../helpers/upstream.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON record, read field by field
type Rec = Record<string, any>;

// A global post-function publishes each request's record in the gateway log, keyed by the request path.
const CAPTURE = `
  - name: post-function
    config:
      log:
        - |
          kong.log.info('record ' + JSON.stringify(kong.log.serialize()));
`;

async function recordOf(gw: { logs: Record<string, unknown>[] }, uri: string): Promise<Rec> {
  const line = await waitFor(`the record of ${uri}`, () =>
    gw.logs.find((l) => String(l.msg).startsWith('record ') && (JSON.parse(String(l.msg).slice(7)) as Rec).request.uri === uri),
  );
  return JSON.parse(String(line.msg).slice(7)) as Rec;
}

t.test('the record of a proxied request', async (t) => {
  const up = await upstream(t, 'svc', (_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello'), 120));
  const gw = await gateway(t, `
_format_version: "3.0"
services:
  - name: svc
    url: ${up.url}/base
    routes:
      - name: r
        paths: [/api]
        tags: [team-a]
consumers:
  - username: alice
    keyauth_credentials: [{ key: k-alice }]
plugins:
  - name: key-auth
${CAPTURE}
`);
  const res = await request(gw.port, '/api/items?x=1&y=two', { headers: { apikey: 'k-alice', 'proxy-authorization': 'Basic Zm9vOmJhcg==' } });
  t.equal(res.status, 200);
  const r = await recordOf(gw, '/api/items?x=1&y=two');
  t.equal(r.request.method, 'GET');
  t.equal(r.request.url, `http://127.0.0.1:${gw.port}/api/items?x=1&y=two`, 'scheme://host:port + uri');
  t.same(r.request.querystring, { x: '1', y: 'two' });
  t.equal(r.request.headers['proxy-authorization'], 'REDACTED');
  t.equal(r.request.headers.apikey, 'k-alice', 'only the HTTP auth headers are redacted (Kong warns serialize may hold keys)');
  t.ok(r.request.size > 60, `request.size counts the request line and headers (${r.request.size})`);
  t.notOk('tls' in r.request, 'no tls block on plain HTTP');
  t.equal(r.upstream_uri, '/base/items?x=1&y=two');
  t.equal(r.upstream_status, '200');
  t.equal(r.response.status, 200);
  t.ok(r.response.size >= 5 + 40, `response.size counts head and body (${r.response.size})`);
  t.ok(r.latencies.proxy >= 110, `latencies.proxy is the upstream's wait (${r.latencies.proxy})`);
  t.ok(r.latencies.kong >= 0 && r.latencies.kong <= r.latencies.request, `latencies.kong (${r.latencies.kong})`);
  t.ok(r.latencies.request >= r.latencies.proxy + r.latencies.kong - 1, 'request covers kong + proxy');
  t.ok(r.latencies.receive >= 0);
  t.equal(r.tries.length, 1);
  t.equal(r.tries[0].ip, '127.0.0.1');
  t.equal(r.tries[0].port, up.port);
  t.equal(r.route.name, 'r');
  t.same(r.route.paths, ['/api']);
  t.same(r.route.tags, ['team-a']);
  t.same(Object.keys(r.route.service), ['id'], 'the route entity, its service as { id }');
  t.equal(r.service.name, 'svc');
  t.equal(r.service.path, '/base');
  t.equal(r.consumer.username, 'alice');
  t.match(r.authenticated_entity, { id: /^[0-9a-f-]{36}$/, consumer_id: r.consumer.id });
  t.equal(r.client_ip, '127.0.0.1');
  t.ok(Math.abs(r.started_at - Date.now()) < 10_000, 'started_at in epoch ms');
  t.equal(r.source, 'upstream');
  t.equal(r.workspace_name, 'default');
  t.match(r.workspace, /^[0-9a-f-]{36}$/);
});

t.test('an exit: source kong, no upstream, latencies.proxy -1', async (t) => {
  const gw = await gateway(t, `
_format_version: "3.0"
routes:
  - name: mock
    paths: [/mock]
    plugins:
      - name: request-termination
        config: { status_code: 418, message: teapot }
plugins:
${CAPTURE}
`);
  t.equal((await request(gw.port, '/mock')).status, 418);
  const r = await recordOf(gw, '/mock');
  t.equal(r.response.status, 418);
  t.equal(r.source, 'kong');
  t.equal(r.latencies.proxy, -1);
  t.equal(r.upstream_uri, '');
  t.equal(r.upstream_status, '');
  t.notOk('tries' in r);
  t.notOk('service' in r);
  t.notOk('consumer' in r);
});

t.test('retries: one try per attempt, the failed one marked', async (t) => {
  const up = await upstream(t);
  const dead = await closedPort();
  const gw = await gateway(t, `
_format_version: "3.0"
upstreams:
  - name: pool
    algorithm: round-robin
    targets: [{ target: "127.0.0.1:${dead}" }, { target: "127.0.0.1:${up.port}" }]
services:
  - name: svc
    host: pool
    routes: [{ name: r, paths: [/] }]
plugins:
${CAPTURE}
`);
  // Round-robin starts somewhere; send until a request needed two tries.
  let twice: Rec | undefined;
  for (let i = 0; i < 4 && twice === undefined; i++) {
    t.equal((await request(gw.port, `/try/${i}`)).status, 200);
    const r = await recordOf(gw, `/try/${i}`);
    if (r.tries.length === 2) twice = r;
  }
  t.ok(twice, 'a request was retried');
  t.match(twice!.tries[0], { ip: '127.0.0.1', port: dead, state: 'failed', code: 502 });
  t.match(twice!.tries[1], { ip: '127.0.0.1', port: up.port });
  t.notOk('state' in twice!.tries[1]);
});

t.test('set_serialize_value: set, add, replace, escaped dots, removal, and misuse', async (t) => {
  const up = await upstream(t);
  const gw = await gateway(t, `
_format_version: "3.0"
services:
  - name: svc
    url: ${up.url}
    routes: [{ name: r, paths: [/] }]
plugins:
  - name: pre-function
    config:
      access:
        - |
          kong.log.set_serialize_value('custom.team', 'payments');
          kong.log.set_serialize_value('custom.team', 'ignored', { mode: 'add' });
          kong.log.set_serialize_value('custom.tier', 'gold', { mode: 'add' });
          kong.log.set_serialize_value('nothing.here', 'ignored', { mode: 'replace' });
          kong.log.set_serialize_value('response.status', 299, { mode: 'replace' });
          kong.log.set_serialize_value('my\\\\.dotted\\\\.key', 5);
          kong.log.set_serialize_value('route.name', 'renamed');
          kong.log.set_serialize_value('request.headers', null);
          let errors = [];
          try { kong.log.set_serialize_value(42, 1); } catch (e) { errors.push(e.message); }
          try { kong.log.set_serialize_value('a', 1, { mode: 'merge' }); } catch (e) { errors.push(e.message); }
          kong.log.set_serialize_value('errors', errors);
${CAPTURE}
`);
  await request(gw.port, '/edits');
  const r = await recordOf(gw, '/edits');
  t.same(r.custom, { team: 'payments', tier: 'gold' }, 'add does not overwrite, creates what is missing');
  t.notOk('nothing' in r, 'replace never creates');
  t.equal(r.response.status, 299, 'replace overwrites what exists');
  t.equal(r['my.dotted.key'], 5, 'an escaped dot is part of the key');
  t.equal(r.route.name, 'renamed', 'the frozen route entity is copied, not written');
  t.notOk('headers' in r.request, 'null removes');
  t.same(r.errors, ['key must be a string', "mode must be 'set', 'add' or 'replace'"]);
});
