/**
 * http-log through real gateways to a real log server on 127.0.0.1 (Kong: kong/plugins/http-log/handler.lua,
 * kong/tools/queue.lua; spec/03-plugins/03-http-log/01-log_spec.lua). Invariants attacked: logging never
 * delays a response; a down log server costs retries then counted drops, never a failed request; a full
 * queue drops the oldest; a stop sends what is queued.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import t from 'tap';
import { gatewayWithService, upstream, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { closedPort } from '../../helpers/upstream.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/** A log server recording what it gets; `reply` decides each answer (200 by default). */
async function logServer(t: Parameters<typeof upstream>[0], reply?: (n: number, res: ServerResponse) => boolean) {
  const got: Received[] = [];
  let n = 0;
  const up = await upstream(t, 'logs', (req, res, body) => {
    got.push({ method: req.method!, url: req.url!, headers: req.headers, body: JSON.parse(body.toString()) as unknown });
    if (reply !== undefined && reply(n++, res)) return;
    res.writeHead(200).end('ok');
  });
  return { got, url: up.url, port: up.port };
}

t.test('one entry per request, Kong-shaped, with the configured method, headers and Basic user info', async (t) => {
  const logs = await logServer(t);
  const endpoint = logs.url.replace('http://', 'http://alice:s3cret@') + '/ingest?src=gw';
  const { gw } = await gatewayWithService(t, `
    - name: logged
      paths: [/logged]
      plugins:
        - name: http-log
          config:
            http_endpoint: ${endpoint}
            method: PUT
            headers: { X-Api-Key: abc }
  `);
  const res = await request(gw.port, '/logged/x?q=1', { headers: { authorization: 'Bearer secret-token' } });
  t.equal(res.status, 200);
  await waitFor('the entry', () => logs.got.length === 1);
  const [e] = logs.got;
  t.equal(e!.method, 'PUT');
  t.equal(e!.url, '/ingest?src=gw');
  t.equal(e!.headers['content-type'], 'application/json');
  t.equal(e!.headers['x-api-key'], 'abc');
  t.equal(e!.headers.authorization, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON record, read field by field
  const body = e!.body as Record<string, any>;
  t.notOk(Array.isArray(body), 'max_batch_size 1: the entry itself, not an array');
  t.equal(body.request.method, 'GET');
  t.equal(body.response.status, 200);
  t.equal(body.route.name, 'logged');
  t.equal(body.service.name, 'svc');
  t.equal(body.request.headers.authorization, 'REDACTED', 'kong.log.serialize redacts Authorization');
  t.notMatch(JSON.stringify(gw.logs), /s3cret/, 'the endpoint password never reaches the gateway log');
});

t.test('custom_fields_by_lua: each chunk sets its field in the entry sent; `return nil` removes one', async (t) => {
  const logs = await logServer(t);
  const { gw } = await gatewayWithService(t, `
    - name: custom
      paths: [/custom]
      plugins:
        - name: http-log
          config:
            http_endpoint: ${logs.url}/ingest
            custom_fields_by_lua:
              tenant: return kong.request.get_header("x-tenant")
              route_name: return kong.router.get_route().name
              request.headers.user-agent: return nil
  `);
  t.equal((await request(gw.port, '/custom', { headers: { 'x-tenant': 'acme', 'user-agent': 'probe/1' } })).status, 200);
  await waitFor('the entry', () => logs.got.length === 1);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON record, read field by field
  const body = logs.got[0]!.body as Record<string, any>;
  t.equal(body.tenant, 'acme');
  t.equal(body.route_name, 'custom');
  t.notOk('user-agent' in body.request.headers, 'return nil removed the field');
  t.equal(body.request.headers['x-tenant'], 'acme', 'other fields stay');
});

t.test('batches by max_batch_size and by max_coalescing_delay', async (t) => {
  const logs = await logServer(t);
  const { gw } = await gatewayWithService(t, `
    - name: batched
      paths: [/batched]
      plugins:
        - name: http-log
          config:
            http_endpoint: ${logs.url}/b
            queue: { max_batch_size: 3, max_coalescing_delay: 0.3 }
  `);
  for (let i = 0; i < 4; i++) await request(gw.port, `/batched/${i}`);
  await waitFor('two batches', () => logs.got.length === 2);
  const [full, partial] = logs.got.map((g) => g.body as { request: { uri: string } }[]);
  t.same(full!.map((e) => e.request.uri), ['/batched/0', '/batched/1', '/batched/2'], 'a full batch goes at once');
  t.same(partial!.map((e) => e.request.uri), ['/batched/3'], 'the rest after the coalescing delay, still an array');
});

t.test('the response never waits for the log server', async (t) => {
  const logs = await logServer(t, (_n, res) => {
    setTimeout(() => res.writeHead(200).end(), 1500);
    return true;
  });
  const { gw } = await gatewayWithService(t, `
    - name: slow-logs
      paths: [/slow-logs]
      plugins:
        - name: http-log
          config: { http_endpoint: "${logs.url}/slow" }
  `);
  for (let i = 0; i < 3; i++) {
    const started = Date.now();
    t.equal((await request(gw.port, '/slow-logs')).status, 200);
    t.ok(Date.now() - started < 700, 'answered before the log server did');
  }
});

t.test('a failing log server is retried with backoff until it accepts', async (t) => {
  const logs = await logServer(t, (n, res) => {
    if (n >= 2) return false;
    res.writeHead(503).end('busy');
    return true;
  });
  const { gw } = await gatewayWithService(t, `
    - name: flaky
      paths: [/flaky]
      plugins:
        - name: http-log
          config:
            http_endpoint: ${logs.url}/f
            queue: { initial_retry_delay: 0.02 }
  `);
  await request(gw.port, '/flaky');
  await waitFor('three attempts', () => logs.got.length === 3);
  t.same(
    logs.got.map((g) => (g.body as { request: { uri: string } }).request.uri),
    ['/flaky', '/flaky', '/flaky'],
    'the same entry each time',
  );
  t.ok(
    gw.logs.some((l) => String(l.msg).includes('handler could not process entries: request to 127.0.0.1') && String(l.msg).includes('returned status code 503 and body busy')),
    'each failure logged with Kong\'s message',
  );
});

t.test('a log server that is down: retries, then the batch is dropped and the loss logged; requests still 200', async (t) => {
  const port = await closedPort();
  const { gw } = await gatewayWithService(t, `
    - name: down
      paths: [/down]
      plugins:
        - name: http-log
          config:
            http_endpoint: http://127.0.0.1:${port}/x
            queue: { max_retry_time: 0.2, initial_retry_delay: 0.02 }
  `);
  t.equal((await request(gw.port, '/down')).status, 200);
  const lost = await waitFor('the loss', () => gw.logs.find((l) => String(l.msg).includes('max_retry_time exceeded. 1 queue entries were lost')));
  t.match(String(lost.msg), /^\[http-log plugin [0-9a-f-]+\] queue http:\/\/127\.0\.0\.1:\d+\/x:POST/);
  t.ok(gw.logs.filter((l) => String(l.msg).includes(`failed request to 127.0.0.1:${port}`)).length >= 2, 'retried before dropping');
});

t.test('a full queue drops the oldest entries and says so once', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const logs = await logServer(t, (_n, res) => {
    void gate.then(() => res.writeHead(200).end());
    return true;
  });
  const { gw } = await gatewayWithService(t, `
    - name: full
      paths: [/full]
      plugins:
        - name: http-log
          config:
            http_endpoint: ${logs.url}/full
            queue: { max_entries: 2 }
  `);
  await request(gw.port, '/full/0');
  await waitFor('the first entry in flight', () => logs.got.length === 1);
  for (let i = 1; i <= 5; i++) t.equal((await request(gw.port, `/full/${i}`)).status, 200);
  release();
  await waitFor('the queue drained', () => logs.got.length === 3);
  t.same(
    logs.got.map((g) => (g.body as { request: { uri: string } }).request.uri),
    ['/full/0', '/full/4', '/full/5'],
    'the two newest survive',
  );
  t.equal(gw.logs.filter((l) => String(l.msg).includes('queue full, dropping old entries')).length, 1);
});

t.test('stopping the gateway sends what is still coalescing', async (t) => {
  const logs = await logServer(t);
  const { gw } = await gatewayWithService(t, `
    - name: held
      paths: [/held]
      plugins:
        - name: http-log
          config:
            http_endpoint: ${logs.url}/held
            queue: { max_batch_size: 100, max_coalescing_delay: 3600 }
  `);
  await request(gw.port, '/held/1');
  await request(gw.port, '/held/2');
  t.equal(logs.got.length, 0, 'still coalescing');
  await gw.close();
  t.equal(logs.got.length, 1, 'sent during stop');
  t.equal((logs.got[0]!.body as unknown[]).length, 2);
});

t.test('instances with the same endpoint settings share one queue (Kong names it from them)', async (t) => {
  const logs = await logServer(t);
  const cfg = `{ http_endpoint: "${logs.url}/shared", queue: { max_batch_size: 2, max_coalescing_delay: 30 } }`;
  const { gw } = await gatewayWithService(t, `
    - name: one
      paths: [/one]
      plugins: [{ name: http-log, config: ${cfg} }]
    - name: two
      paths: [/two]
      plugins: [{ name: http-log, config: ${cfg} }]
  `);
  await request(gw.port, '/one');
  await request(gw.port, '/two');
  await waitFor('one batch', () => logs.got.length === 1);
  t.same((logs.got[0]!.body as { route: { name: string } }[]).map((e) => e.route.name), ['one', 'two']);
});
