/**
 * The opentelemetry plugin through real gateways to an OTLP/HTTP collector on 127.0.0.1 that decodes each
 * export with protobufjs (Kong: kong/plugins/opentelemetry/, kong/observability/tracing/instrumentation.lua;
 * spec/03-plugins/37-opentelemetry/). Invariants attacked: the trace continues the incoming one (trace id
 * kept, the root's parent is the caller's span, upstream's parent is sluice's balancer span); Kong's span
 * names, kinds and attributes; sampling_rate 0 exports nothing and 1 everything; a down collector never fails
 * a request.
 */
import t from 'tap';
import { gatewayWithService, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
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
