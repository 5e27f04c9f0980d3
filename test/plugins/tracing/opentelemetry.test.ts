/**
 * The opentelemetry plugin through real gateways to an OTLP/HTTP collector on 127.0.0.1 that decodes each
 * export with protobufjs (Kong: kong/plugins/opentelemetry/, kong/observability/tracing/instrumentation.lua;
 * spec/03-plugins/37-opentelemetry/). Invariants attacked: the trace continues the incoming one (trace id
 * kept, the root's parent is the caller's span, upstream's parent is sluice's balancer span); Kong's span
 * names, kinds and attributes; sampling_rate 0 exports nothing and 1 everything; a down collector never fails
 * a request.
 */
import t from 'tap';
import { gateway, gatewayWithService, upstream, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { closedPort } from '../../helpers/upstream.js';
import { otlpReceiver, type ReceivedSpan } from './receivers.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER = 'b7ad6b7169203331';

const byName = (spans: readonly ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);

t.test('the trace continues an incoming traceparent: ids, parents, names, kinds and attributes as Kong', async (t) => {
  const otlp = await otlpReceiver(t);
  const { gw, up } = await gatewayWithService(t, `
    - name: traced
      paths: [/traced]
      plugins:
        - name: opentelemetry
          config:
            traces_endpoint: ${otlp.url}
            sampling_rate: 1
            headers: { X-Collector-Token: abc }
            resource_attributes: { service.name: edge, deployment.environment: test }
        - name: request-transformer
          config: { add: { headers: ["x-added:1"] } }
  `);
  const res = await request(gw.port, '/traced/x?q=1', { headers: { traceparent: `00-${TRACE}-${CALLER}-01`, host: 'api.test' } });
  t.equal(res.status, 200);
  const spans = await waitFor('the spans', () => (otlp.spans.some((s) => s.name === 'kong.balancer') ? otlp.spans : undefined));
  t.equal(otlp.exports.length, 1, 'one export: the queue batches up to 200 spans by default');
  t.same([...new Set(spans.map((s) => s.traceId))], [TRACE], 'every span carries the incoming trace id');

  const [root] = byName(spans, 'kong');
  t.ok(root, 'the root span is "kong"');
  t.equal(root!.parentSpanId, CALLER, "its parent is the caller's span");
  t.equal(root!.kind, 2, 'SERVER');
  t.match(root!.attributes, {
    'http.method': 'GET',
    'http.url': 'http://api.test/traced/x?q=1',
    'http.host': 'api.test',
    'http.scheme': 'http',
    'http.flavor': '1.1',
    'http.status_code': 200,
    'http.route': '/traced',
    'net.peer.ip': '127.0.0.1',
    'http.client_ip': '127.0.0.1',
  });
  t.match(root!.attributes['kong.request.id'], /^[0-9a-f]{32}$/, 'kong.request.id');

  const children = ['kong.router', 'kong.access.plugin.opentelemetry', 'kong.access.plugin.request-transformer', 'kong.balancer'];
  for (const name of children) {
    const [s] = byName(spans, name);
    t.ok(s, `${name} span`);
    t.equal(s?.parentSpanId, root!.spanId, `${name} is a child of the root span`);
    t.ok(s !== undefined && s.start >= root!.start && s.end <= root!.end, `${name} lies within the request`);
  }
  const [balancer] = byName(spans, 'kong.balancer');
  t.equal(balancer!.kind, 3, 'the balancer span is CLIENT');
  t.match(balancer!.attributes, { try_count: 1, 'net.peer.ip': '127.0.0.1', 'net.peer.port': up.port, 'net.peer.name': '127.0.0.1' });

  const sent = up.seen.at(-1)!.headers.traceparent;
  t.equal(sent, `00-${TRACE}-${balancer!.spanId}-01`, "upstream's parent is sluice's balancer span");

  t.same(root!.resource, {
    'service.name': 'edge',
    'service.instance.id': root!.resource['service.instance.id'],
    'service.version': '3.10.0',
    'deployment.environment': 'test',
  }, "Kong's resource, the configured attributes over its defaults");
  t.match(root!.resource['service.instance.id'], /^[0-9a-f-]{36}$/);
  t.same(root!.scope, { name: 'kong-internal', version: '0.1.0' });
  const exp = otlp.exports[0]!;
  t.equal(exp.headers['content-type'], 'application/x-protobuf');
  t.equal(exp.headers['x-collector-token'], 'abc', 'configured headers go to the collector');
});

t.test('sampling_rate 0 exports nothing, 1 every request', async (t) => {
  const otlp = await otlpReceiver(t);
  const plugin = (rate: number) => `
      plugins:
        - name: opentelemetry
          config:
            traces_endpoint: ${otlp.url}
            sampling_rate: ${rate}
            queue: { max_batch_size: 200, max_coalescing_delay: 0.05 }`;
  const { gw } = await gatewayWithService(t, `
    - name: never
      paths: [/never]${plugin(0)}
    - name: always
      paths: [/always]${plugin(1)}
  `);
  const N = 10;
  for (let i = 0; i < N; i++) {
    // A caller asking for sampling does not override a rate of 0 (Kong's probability sampler still decides).
    t.equal((await request(gw.port, '/never', { headers: { traceparent: `00-${TRACE}-${CALLER}-01` } })).status, 200);
    const res = await request(gw.port, '/always');
    t.equal(res.status, 200);
  }
  const roots = await waitFor('every sampled request', () => {
    const r = otlp.spans.filter((s) => s.name === 'kong');
    return r.length >= N ? r : undefined;
  });
  t.equal(roots.length, N, 'one trace per request at rate 1');
  t.equal(new Set(roots.map((r) => r.traceId)).size, N, 'each a trace of its own');
  t.same([...new Set(roots.map((r) => r.attributes['http.route']))], ['/always'], 'none from the route at rate 0');
  t.notOk(otlp.spans.some((s) => s.traceId === TRACE), 'nothing of the traces at rate 0');
});

t.test('http_response_header_for_traceid answers with the trace id; a new trace has no parent', async (t) => {
  const otlp = await otlpReceiver(t);
  const { gw, up } = await gatewayWithService(t, `
    - name: fresh
      paths: [/fresh]
      plugins:
        - name: opentelemetry
          config:
            traces_endpoint: ${otlp.url}
            sampling_rate: 1
            http_response_header_for_traceid: X-Trace-Id
            queue: { max_batch_size: 200, max_coalescing_delay: 0.05 }
  `);
  const res = await request(gw.port, '/fresh');
  const traceId = res.headers['x-trace-id'] as string;
  t.match(traceId, /^[0-9a-f]{32}$/, 'the trace id, as hex');
  const root = await waitFor('the root span', () => otlp.spans.find((s) => s.name === 'kong'));
  t.equal(root.traceId, traceId, 'the exported trace');
  t.equal(root.parentSpanId, '', 'a trace begun here has no parent');
  t.match(up.seen[0]!.headers.traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`), 'and goes upstream as w3c (default_format)');
  const echoed = await request(gw.port, '/fresh', { headers: { traceparent: `00-${TRACE}-${CALLER}-01` } });
  t.equal(echoed.headers['x-trace-id'], TRACE, 'an incoming trace id is the one answered');
});

t.test('a request no route matched is traced by a global plugin: 404, router span in error', async (t) => {
  const otlp = await otlpReceiver(t);
  const { gw } = await gatewayWithService(t, `
    - name: some
      paths: [/some]
  `, {
    more: `
plugins:
  - name: opentelemetry
    config:
      traces_endpoint: ${otlp.url}
      sampling_rate: 1
      queue: { max_batch_size: 200, max_coalescing_delay: 0.05 }
`,
  });
  t.equal((await request(gw.port, '/nowhere')).status, 404);
  const spans = await waitFor('the spans', () => (otlp.spans.some((s) => s.name === 'kong.router') ? otlp.spans : undefined));
  const root = spans.find((s) => s.name === 'kong')!;
  t.equal(root.attributes['http.status_code'], 404);
  t.equal(root.attributes['http.route'], '', 'no route');
  t.equal(spans.find((s) => s.name === 'kong.router')!.status, 2, 'the router span is an error');
  t.notOk(spans.some((s) => s.name === 'kong.balancer'), 'no balancer try');
});

t.test('retries: one kong.balancer span per try, the failed one in error, upstream sees the last', async (t) => {
  const otlp = await otlpReceiver(t);
  const down = await closedPort();
  const live = await upstream(t, 'live');
  const gw = await gateway(t, `_format_version: "3.0"
upstreams:
  - name: pool
    algorithm: round-robin
    targets:
      - target: 127.0.0.1:${down}
      - target: 127.0.0.1:${live.port}
services:
  - name: pooled
    host: pool
    retries: 3
    routes:
      - name: pooled
        paths: [/pooled]
        plugins:
          - name: opentelemetry
            config:
              traces_endpoint: ${otlp.url}
              sampling_rate: 1
              queue: { max_batch_size: 200, max_coalescing_delay: 0.05 }
`);
  // Round-robin: of two requests one goes to the closed port first and is retried on the live target.
  for (let i = 0; i < 2; i++) t.equal((await request(gw.port, '/pooled')).status, 200);
  const tries = await waitFor('a retried request', () => {
    const roots = otlp.spans.filter((s) => s.name === 'kong');
    for (const root of roots) {
      const b = otlp.spans.filter((s) => s.name === 'kong.balancer' && s.parentSpanId === root.spanId);
      if (b.length === 2) return b.sort((x, y) => Number(x.attributes.try_count) - Number(y.attributes.try_count));
    }
    return undefined;
  });
  const [first, second] = tries;
  t.equal(first!.status, 2, 'the failed try is an error');
  t.equal(first!.attributes['http.status_code'], 502);
  t.equal(first!.attributes['net.peer.port'], down);
  t.equal(second!.status, 0, 'the last try succeeded');
  t.equal(second!.attributes['net.peer.port'], live.port);
  t.ok(first!.end <= second!.start, 'the tries follow each other');
  const parents = live.seen.map((s) => String(s.headers.traceparent).split('-')[2]);
  t.ok(parents.includes(second!.spanId), "the upstream's parent is the try that reached it");
});

t.test('a collector that is down: requests still answer at once; the queue retries then drops, logged', async (t) => {
  const port = await closedPort();
  const { gw } = await gatewayWithService(t, `
    - name: lost
      paths: [/lost]
      plugins:
        - name: opentelemetry
          config:
            traces_endpoint: http://127.0.0.1:${port}/v1/traces
            sampling_rate: 1
            queue: { max_batch_size: 200, max_coalescing_delay: 0.05, max_retry_time: 0.2, initial_retry_delay: 0.02 }
  `);
  for (let i = 0; i < 5; i++) {
    const started = Date.now();
    t.equal((await request(gw.port, '/lost')).status, 200);
    t.ok(Date.now() - started < 1000, 'answered without waiting for the collector');
  }
  await waitFor('the loss logged', () => gw.logs.some((l) => /could not send entries due to max_retry_time exceeded/.test(String(l.msg))));
  t.ok(gw.logs.some((l) => /handler could not process entries: failed to send request: /.test(String(l.msg))), "Kong's failure message");
});

t.test('a collector answering an error: the batch is retried (Kong: only 200 is sent)', async (t) => {
  const otlp = await otlpReceiver(t, (n, res) => {
    if (n > 0) return false;
    res.writeHead(503).end('busy');
    return true;
  });
  const { gw } = await gatewayWithService(t, `
    - name: busy
      paths: [/busy]
      plugins:
        - name: opentelemetry
          config:
            traces_endpoint: ${otlp.url}
            sampling_rate: 1
            queue: { max_batch_size: 200, max_coalescing_delay: 0.05, initial_retry_delay: 0.02 }
  `);
  await request(gw.port, '/busy');
  await waitFor('the retry', () => otlp.exports.length === 2);
  t.same(otlp.exports[1]!.spans.map((s) => s.spanId), otlp.exports[0]!.spans.map((s) => s.spanId), 'the same spans again');
  t.ok(gw.logs.some((l) => String(l.msg).includes('response error: 503, body: busy')), "Kong's message");
});
