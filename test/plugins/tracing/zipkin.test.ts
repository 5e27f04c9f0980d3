/**
 * The zipkin plugin through real gateways to a Zipkin collector on 127.0.0.1 (Kong: kong/plugins/zipkin/;
 * spec/03-plugins/34-zipkin/). Invariants attacked: JSON v2 spans continue the incoming B3 trace (the shared
 * request span, the proxy span as upstream's span); Kong's names, kinds, tags and annotations; sample_ratio
 * decides only without an incoming decision; a down collector never fails a request.
 */
import t from 'tap';
import { gatewayWithService, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { closedPort } from '../../helpers/upstream.js';
import { zipkinReceiver } from './receivers.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER = 'b7ad6b7169203331';
const CALLERS_PARENT = '0020000000000001';

type ZSpan = Record<string, unknown> & { tags?: Record<string, string>; annotations?: { value: string; timestamp: number }[] };

t.test('JSON v2 spans continue an incoming B3 trace; upstream gets the proxy span', async (t) => {
  const zipkin = await zipkinReceiver(t);
  const { gw, up } = await gatewayWithService(t, `
    - name: zipped
      paths: [/zipped]
      plugins:
        - name: zipkin
          config:
            http_endpoint: ${zipkin.url}
            sample_ratio: 0
            static_tags: [{ name: team, value: edge }]
  `);
  const res = await request(gw.port, '/zipped/a', {
    headers: { 'x-b3-traceid': TRACE, 'x-b3-spanid': CALLER, 'x-b3-parentspanid': CALLERS_PARENT, 'x-b3-sampled': '1', 'zipkin-tags': 'foo=bar; bad' },
  });
  t.equal(res.status, 200);
  const spans = await waitFor('three spans', () => (zipkin.spans.length >= 3 ? (zipkin.spans as ZSpan[]) : undefined));
  t.ok(zipkin.posts.every((p) => p.spans.length === 1), 'max_batch_size 1 (Kong\'s default): one span per post, as a list');
  t.equal(zipkin.posts[0]!.headers['content-type'], 'application/json');
  const req = spans.find((s) => s.kind === 'SERVER')!;
  const proxy = spans.find((s) => s.name === 'GET (proxy)')!;
  const balancer = spans.find((s) => s.name === 'GET (balancer try 1)')!;
  t.ok(req && proxy && balancer, 'the request, proxy and balancer try spans');
  t.same([...new Set(spans.map((s) => s.traceId))], [TRACE], 'one trace: the incoming one');
  t.equal(req.name, 'GET');
  t.equal(req.id, CALLER, 'B3 shares the span: the request span is the caller\'s');
  t.equal(req.parentId, CALLERS_PARENT);
  t.equal(proxy.kind, 'CLIENT');
  t.equal(proxy.parentId, req.id);
  t.equal(balancer.parentId, req.id);
  t.same(req.localEndpoint, { serviceName: 'kong' });
  t.match(req.tags, {
    lc: 'kong',
    'http.method': 'GET',
    'http.path': '/zipped/a',
    'http.protocol': 'HTTP/1.1',
    'http.status_code': '200',
    team: 'edge',
    foo: 'bar',
  });
  t.match(req.tags!['kong.node.id'], /^[0-9a-f-]{36}$/);
  t.match(proxy.tags, { 'kong.service_name': 'svc', 'kong.route_name': 'zipped', 'peer.hostname': '127.0.0.1' });
  t.match(proxy.remoteEndpoint, { serviceName: 'svc', ipv4: '127.0.0.1', port: up.port });
  t.match(balancer.tags, { 'kong.balancer.try': '1' });
  t.same(req.annotations!.map((a) => a.value), ['krf', 'krs'], "the request span's annotations");
  t.same(proxy.annotations!.map((a) => a.value), ['khs', 'khf', 'kbs', 'kas', 'kaf', 'kbf'], "the proxy span's annotations");
  t.ok(
    (req.timestamp as number) <= (proxy.timestamp as number) && (proxy.timestamp as number) + (proxy.duration as number) <= (req.timestamp as number) + (req.duration as number),
    'the proxy span lies within the request span',
  );
  t.ok(gw.logs.some((l) => String(l.msg).includes('Could not parse the following Zipkin tags:  bad')), 'a tag that does not parse is reported');
  const sent = up.seen.at(-1)!.headers;
  t.equal(sent['x-b3-traceid'], TRACE);
  t.equal(sent['x-b3-spanid'], proxy.id, "upstream's span is the proxy span");
  t.equal(sent['x-b3-parentspanid'], req.id);
  t.equal(sent['x-b3-sampled'], '1');
});

t.test('sample_ratio decides for requests that bring no decision', async (t) => {
  const zipkin = await zipkinReceiver(t);
  const plugin = (ratio: number) => `
      plugins:
        - name: zipkin
          config: { http_endpoint: "${zipkin.url}", sample_ratio: ${ratio}, traceid_byte_count: 8, http_span_name: method_path }`;
  const { gw, up } = await gatewayWithService(t, `
    - name: none
      paths: [/none]${plugin(0)}
    - name: all
      paths: [/all]${plugin(1)}
  `);
  for (let i = 0; i < 3; i++) {
    t.equal((await request(gw.port, '/none')).status, 200);
    t.equal((await request(gw.port, '/all')).status, 200);
  }
  const servers = await waitFor('three requests', () => {
    const s = zipkin.spans.filter((x) => x.kind === 'SERVER');
    return s.length >= 3 ? s : undefined;
  });
  t.same([...new Set(servers.map((s) => s.name))], ['GET /all'], 'only the sampled route; http_span_name method_path');
  t.ok(servers.every((s) => /^[0-9a-f]{16}$/.test(String(s.traceId))), 'traceid_byte_count 8: 64-bit trace ids');
  t.equal(new Set(servers.map((s) => s.traceId)).size, 3, 'a trace per request');
  const unsampled = up.seen.find((s) => s.url === '/')!.headers;
  t.equal(unsampled['x-b3-sampled'], '0', 'upstream hears the decision (b3, the default format)');
});

t.test('a Zipkin collector that is down costs no request', async (t) => {
  const port = await closedPort();
  const { gw } = await gatewayWithService(t, `
    - name: lost
      paths: [/lost]
      plugins:
        - name: zipkin
          config:
            http_endpoint: http://127.0.0.1:${port}/api/v2/spans
            sample_ratio: 1
            queue: { max_retry_time: 0.1, initial_retry_delay: 0.02 }
  `);
  for (let i = 0; i < 3; i++) t.equal((await request(gw.port, '/lost')).status, 200);
  await waitFor('the loss logged', () => gw.logs.some((l) => /could not send entries due to max_retry_time exceeded/.test(String(l.msg))));
  t.ok(gw.logs.some((l) => String(l.msg).includes('zipkin request failed: ')), "Kong's failure message");
});

t.test('a W3C caller: its span is the parent (no shared span); phase durations as tags', async (t) => {
  const zipkin = await zipkinReceiver(t);
  const { gw, up } = await gatewayWithService(t, `
    - name: w3c
      paths: [/w3c]
      plugins:
        - name: zipkin
          config:
            http_endpoint: ${zipkin.url}
            phase_duration_flavor: tags
            http_response_header_for_traceid: X-Trace
            propagation: { extract: [w3c], inject: [w3c], default_format: b3 }
  `);
  const res = await request(gw.port, '/w3c', { headers: { traceparent: `00-${TRACE}-${CALLER}-01` } });
  t.equal(res.headers['x-trace'], TRACE, 'the trace id answered');
  const spans = await waitFor('the spans', () => (zipkin.spans.length >= 3 ? (zipkin.spans as ZSpan[]) : undefined));
  const req = spans.find((s) => s.kind === 'SERVER')!;
  const proxy = spans.find((s) => s.name === 'GET (proxy)')!;
  t.equal(req.parentId, CALLER, "the caller's span is the parent");
  t.not(req.id, CALLER, 'the request span is a new one');
  t.notOk(req.annotations ?? proxy.annotations, 'no annotations with the tags flavor');
  t.match(req.tags, { 'kong.rewrite.duration_ms': /^\d+$/ });
  t.match(proxy.tags, { 'kong.access.duration_ms': /^\d+$/, 'kong.header_filter.duration_ms': /^\d+$/ });
  t.equal(up.seen.at(-1)!.headers.traceparent, `00-${TRACE}-${proxy.id}-01`, 'upstream gets the proxy span in the configured format');
});
