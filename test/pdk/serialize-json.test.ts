/**
 * The invariant: the JSON text the log plugins send (serializeLogJson, built without the record) is exactly
 * JSON.stringify of kong.log.serialize()'s record for the same request at the same instant — in every shape a
 * request can take: proxied or exited, with or without query, credentials to redact, a consumer, retries,
 * TLS, multi-valued and non-ASCII headers, set_serialize_value edits, entities that are not frozen.
 * Real requests reach a real server (HTTP and HTTPS); the states are filled as the lifecycle fills them.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { request as undiciRequest, Agent } from 'undici';
import type { RoutePlan, ServicePlan } from '../../src/pdk/proxy-plan.js';
import { serializeLog, serializeLogJson } from '../../src/pdk/serialize.js';
import { RequestState } from '../../src/pdk/state.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';

type Fill = (s: RequestState) => void;

const route = Object.freeze({ id: 'r-1', name: 'orders', paths: Object.freeze(['/api']), methods: null, tags: Object.freeze(['a"quote', 'ü']) });
const service = Object.freeze({ id: 's-1', name: null, host: 'up.internal', port: 8080, path: '/base' });
const consumer = Object.freeze({ id: 'c-1', username: 'alice', custom_id: null });
const routePlan = (entity: object) => ({ entity }) as unknown as RoutePlan;
const servicePlan = (entity: object) => ({ entity }) as unknown as ServicePlan;

const proxied: Fill = (s) => {
  s.route = routePlan(route);
  s.service = servicePlan(service);
  s.upstream = { path: '/base/items?x=1' } as RequestState['upstream'];
  s.upstreamStatus = 201;
  s.upstreamLatencyMs = 12;
  s.proxyLatencyMs = 3;
  s.responseSource = 'service';
  s.tries = [{ ip: '127.0.0.1', port: 8080, balancer_latency: 0 }];
};

interface Case {
  readonly name: string;
  readonly path: string;
  readonly headers?: Record<string, string | string[]>;
  readonly fill: Fill;
  readonly answer?: (res: ServerResponse) => void;
}

const cases: Case[] = [
  { name: 'a bare request: no route, no query', path: '/', fill: () => {} },
  { name: "query keys named like Object's members", path: '/q?constructor=1&__proto__=x&toString', fill: () => {} },
  { name: 'proxied, with query and retries', path: '/api/items?x=1&y=two&x=3&flag&e=%C3%BC+a', fill: (s) => {
    proxied(s);
    s.tries = [{ ip: '10.0.0.1', port: 80, balancer_latency: 1, state: 'failed', code: 502 }, { ip: '127.0.0.1', port: 8080, balancer_latency: 0 }];
  } },
  { name: 'credentials redacted, consumer and credential', path: '/api?apikey=k', headers: { authorization: 'Bearer secret', 'proxy-authorization': 'Basic eA==', 'x-multi': ['a', 'b'], 'x-utf': 'h\xe9llo "x" \\ \t' }, fill: (s) => {
    proxied(s);
    s.consumer = consumer as unknown as RequestState['consumer'];
    s.credential = { id: 'cred-1' };
  } },
  { name: 'credential naming its consumer', path: '/api', fill: (s) => {
    proxied(s);
    s.consumer = consumer as unknown as RequestState['consumer'];
    s.credential = { id: 'cred-2', consumer_id: 'c-other' };
  } },
  { name: 'an exit: source kong, no upstream', path: '/api/x', fill: (s) => {
    s.route = routePlan(route);
    s.service = servicePlan(service);
    s.responseSource = 'exit';
    s.responseStatus = 403;
    s.responseLatencyMs = 1;
  }, answer: (res) => res.writeHead(403, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }).end('{"message":"no"}') },
  { name: 'an error with gateway response headers', path: '/api/y', fill: (s) => {
    s.route = routePlan(route);
    s.responseSource = 'error';
    s.responseStatus = 502;
    s.responseHeaders = { 'content-type': 'text/plain', 'x-n': 3 };
  } },
  { name: 'entities that are not frozen are not cached', path: '/api/z', fill: (s) => {
    proxied(s);
    const open = { id: 'r-open', name: 'changing' };
    s.route = routePlan(open);
    void serializeLogJson(s);
    open.name = 'changed';
  } },
  { name: 'set_serialize_value edits', path: '/api?q=1', fill: (s) => {
    proxied(s);
    s.serializeValues = [['request.extra', { n: 1 }, 'set'], ['route.name', 'renamed', 'replace'], ['workspace_name', null, 'set']];
  } },
];

async function compareAt(t: Test, scheme: 'http' | 'https'): Promise<void> {
  const cert = selfSignedCertificate('localhost');
  const results: { name: string; json: string; object: string; state: RequestState }[] = [];
  const pending = new Map<string, Case>(cases.map((c) => [c.path, c]));
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const c = pending.get(req.url!)!;
    const q = req.url!.indexOf('?');
    const state = new RequestState(req, res, `id-${c.name.length}`, scheme, q < 0 ? req.url! : req.url!.slice(0, q), q < 0 ? '' : req.url!.slice(q), performance.now() - 5);
    c.fill(state);
    res.on('finish', () => {
      const now = performance.now();
      results.push({ name: c.name, json: serializeLogJson(state, now), object: JSON.stringify(serializeLog(state, now)), state });
    });
    if (c.answer) c.answer(res);
    else res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'yes' }).end('hello');
  };
  const server = scheme === 'http' ? createServer(handler) : createTlsServer({ cert: cert.cert, key: cert.key }, handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    for (const c of cases) {
      const res = await undiciRequest(`${scheme}://127.0.0.1:${port}${c.path}`, { headers: c.headers ?? {}, dispatcher });
      await res.body.text();
    }
    const end = Date.now() + 5000;
    while (results.length < cases.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  } finally {
    await dispatcher.close();
    server.close();
  }
  t.equal(results.length, cases.length, 'every request was recorded');
  for (const r of results) {
    t.equal(r.json, r.object, `${scheme}: ${r.name}`);
    t.doesNotThrow(() => JSON.parse(r.json), `${scheme}: ${r.name} parses`);
  }
  const redacted = results.find((r) => r.name.startsWith('credentials'))!;
  t.match(redacted.json, /"authorization":"REDACTED"/);
  t.notMatch(redacted.json, /secret/, 'no credential in the text');
  t.equal(redacted.state.req.headers.authorization, 'Bearer secret', 'the request itself keeps its header');
  const open = results.find((r) => r.name.startsWith('entities'))!;
  t.match(open.json, /"name":"changed"/, 'an entity that is not frozen is written as it is now');
  if (scheme === 'https') t.match(results[0]!.json, /"tls":\{"version":"TLSv1\.[23]"/, 'the tls block on HTTPS');
}

t.test('the JSON text equals JSON.stringify of the record: HTTP', (t) => compareAt(t, 'http'));
t.test('the JSON text equals JSON.stringify of the record: HTTPS', (t) => compareAt(t, 'https'));
