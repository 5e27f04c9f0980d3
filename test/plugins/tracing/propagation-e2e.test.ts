/**
 * Every header format Kong propagates, through a real gateway (Kong: kong/observability/tracing/propagation/;
 * spec/03-plugins/37-opentelemetry/03-propagation_spec.lua): a request carrying a trace in one format is
 * traced under that trace id, with the caller's span as the root's parent, and the upstream receives the
 * configured format carrying the same trace and sluice's balancer span as its parent. One route per case.
 */
import t from 'tap';
import { gatewayWithService, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { otlpReceiver, type ReceivedSpan } from './receivers.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const TRACE64 = '8448eb211c80319c';
const CALLER = 'b7ad6b7169203331';
const dec = (hex: string) => BigInt(`0x${hex}`).toString(10);
const W3C_IN = { traceparent: `00-${TRACE}-${CALLER}-01` };

/** What a case expects, from the exported root and balancer spans. */
interface Ids {
  readonly trace: string;
  readonly root: ReceivedSpan;
  readonly balancer: ReceivedSpan;
}

interface Case {
  readonly name: string;
  /** The plugin's propagation settings (flow YAML, inside config). */
  readonly config: string;
  readonly incoming: Record<string, string>;
  /** The trace id the spans carry; a fresh one when null. */
  readonly trace: string | null;
  /** The root span's parent. */
  readonly parent: string;
  /** Headers the upstream must receive (undefined: must not receive). */
  readonly upstream: (ids: Ids) => Record<string, string | undefined>;
}

const cases: Case[] = [
  {
    name: 'w3c',
    config: '',
    incoming: { traceparent: `00-${TRACE}-${CALLER}-01` },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({ traceparent: `00-${TRACE}-${i.balancer.spanId}-01` }),
  },
  {
    name: 'b3 (multi-header)',
    config: '',
    incoming: { 'x-b3-traceid': TRACE, 'x-b3-spanid': CALLER, 'x-b3-sampled': '1' },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({ 'x-b3-traceid': TRACE, 'x-b3-spanid': i.balancer.spanId, 'x-b3-parentspanid': i.root.spanId, 'x-b3-sampled': '1', traceparent: undefined }),
  },
  {
    name: 'b3 with a 64-bit trace id keeps its size',
    config: '',
    incoming: { 'x-b3-traceid': TRACE64, 'x-b3-spanid': CALLER, 'x-b3-sampled': '1' },
    trace: `0000000000000000${TRACE64}`,
    parent: CALLER,
    upstream: (i) => ({ 'x-b3-traceid': TRACE64, 'x-b3-spanid': i.balancer.spanId }),
  },
  {
    name: 'b3-single',
    config: '',
    incoming: { b3: `${TRACE}-${CALLER}-1` },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({ b3: `${TRACE}-${i.balancer.spanId}-1-${i.root.spanId}`, 'x-b3-traceid': undefined }),
  },
  {
    name: 'jaeger',
    config: '',
    incoming: { 'uber-trace-id': `${TRACE}:${CALLER}:0:1`, 'uberctx-tenant': 'a%20b' },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({ 'uber-trace-id': `${TRACE}:${i.balancer.spanId}:${i.root.spanId}:01`, 'uberctx-tenant': 'a%20b' }),
  },
  {
    name: 'ot',
    config: '',
    incoming: { 'ot-tracer-traceid': TRACE, 'ot-tracer-spanid': CALLER, 'ot-tracer-sampled': '1', 'ot-baggage-k': 'v' },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({ 'ot-tracer-traceid': TRACE, 'ot-tracer-spanid': i.balancer.spanId, 'ot-tracer-sampled': '1', 'ot-baggage-k': 'v' }),
  },
  {
    name: 'datadog (decimal, 64-bit)',
    config: '',
    incoming: { 'x-datadog-trace-id': dec(TRACE64), 'x-datadog-parent-id': dec(CALLER), 'x-datadog-sampling-priority': '1' },
    trace: `0000000000000000${TRACE64}`,
    parent: CALLER,
    upstream: (i) => ({ 'x-datadog-trace-id': dec(TRACE64), 'x-datadog-parent-id': dec(i.balancer.spanId), 'x-datadog-sampling-priority': '1' }),
  },
  {
    name: 'aws',
    config: '',
    incoming: { 'x-amzn-trace-id': `Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Parent=${CALLER};Sampled=1` },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({ 'x-amzn-trace-id': `Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Parent=${i.balancer.spanId};Sampled=1` }),
  },
  {
    name: 'gcp',
    config: '',
    incoming: { 'x-cloud-trace-context': `${TRACE}/${dec(CALLER)};o=1` },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({ 'x-cloud-trace-context': `${TRACE}/${dec(i.balancer.spanId)};o=1` }),
  },
  {
    name: 'instana',
    config: '',
    incoming: { 'x-instana-t': TRACE, 'x-instana-s': CALLER, 'x-instana-l': '1' },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({ 'x-instana-t': TRACE, 'x-instana-s': i.balancer.spanId, 'x-instana-l': '1' }),
  },
  {
    name: 'preserve: b3 is extracted before w3c (Kong\'s legacy order)',
    config: '',
    incoming: { traceparent: `00-${TRACE}-${CALLER}-01`, 'x-b3-traceid': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'x-b3-spanid': 'bbbbbbbbbbbbbbbb' },
    trace: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    parent: 'bbbbbbbbbbbbbbbb',
    upstream: () => ({ 'x-b3-traceid': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', traceparent: `00-${TRACE}-${CALLER}-01` }),
  },
  // Kong's legacy header_type: extract in the legacy order, inject the found format and the named one.
  ...(
    [
      ['w3c', { 'x-b3-traceid': TRACE, 'x-b3-spanid': CALLER, 'x-b3-sampled': '1' }, (i: Ids) => ({ traceparent: `00-${TRACE}-${i.balancer.spanId}-01`, 'x-b3-traceid': TRACE })],
      ['b3', W3C_IN, (i: Ids) => ({ 'x-b3-traceid': TRACE, 'x-b3-spanid': i.balancer.spanId, traceparent: `00-${TRACE}-${i.balancer.spanId}-01` })],
      ['b3-single', W3C_IN, (i: Ids) => ({ b3: `${TRACE}-${i.balancer.spanId}-1-${i.root.spanId}` })],
      ['ot', W3C_IN, (i: Ids) => ({ 'ot-tracer-traceid': TRACE, 'ot-tracer-spanid': i.balancer.spanId, 'ot-tracer-sampled': '1' })],
      ['datadog', W3C_IN, (i: Ids) => ({ 'x-datadog-trace-id': dec(TRACE64), 'x-datadog-parent-id': dec(i.balancer.spanId) })],
      ['aws', W3C_IN, (i: Ids) => ({ 'x-amzn-trace-id': `Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Parent=${i.balancer.spanId};Sampled=1` })],
      ['gcp', W3C_IN, (i: Ids) => ({ 'x-cloud-trace-context': `${TRACE}/${dec(i.balancer.spanId)};o=1` })],
    ] as const
  ).map(
    ([type, incoming, upstream]): Case => ({ name: `header_type ${type}: the found format and ${type}`, config: `header_type: ${type}`, incoming, trace: TRACE, parent: CALLER, upstream }),
  ),
  {
    name: 'header_type jaeger: the found format and jaeger',
    config: 'header_type: jaeger',
    incoming: { traceparent: `00-${TRACE}-${CALLER}-01` },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({ traceparent: `00-${TRACE}-${i.balancer.spanId}-01`, 'uber-trace-id': `${TRACE}:${i.balancer.spanId}:${i.root.spanId}:01` }),
  },
  {
    name: 'header_type ignore: the incoming trace is not read',
    config: 'header_type: ignore',
    incoming: { traceparent: `00-${TRACE}-${CALLER}-01` },
    trace: null,
    parent: '',
    upstream: (i) => ({ traceparent: `00-${i.trace}-${i.balancer.spanId}-01` }),
  },
  {
    name: 'propagation: extract w3c, inject b3-single and datadog, clear traceparent',
    config: 'propagation: { extract: [w3c], inject: [b3-single, datadog], clear: [traceparent], default_format: w3c }',
    incoming: { traceparent: `00-${TRACE}-${CALLER}-01` },
    trace: TRACE,
    parent: CALLER,
    upstream: (i) => ({
      b3: `${TRACE}-${i.balancer.spanId}-1-${i.root.spanId}`,
      'x-datadog-trace-id': dec(TRACE64),
      traceparent: undefined,
    }),
  },
  {
    name: 'propagation: preserve with nothing found injects default_format',
    config: 'propagation: { extract: [w3c], inject: [preserve], default_format: gcp }',
    incoming: {},
    trace: null,
    parent: '',
    upstream: (i) => ({ 'x-cloud-trace-context': `${i.trace}/${dec(i.balancer.spanId)};o=1` }),
  },
  {
    name: 'an incoming "not sampled" is followed: nothing exported, upstream told so',
    config: '',
    incoming: { traceparent: `00-${TRACE}-${CALLER}-00` },
    trace: null,
    parent: '',
    upstream: () => ({ traceparent: undefined }),
  },
];

t.test('each format extracted and injected', async (t) => {
  const otlp = await otlpReceiver(t);
  const routes = cases
    .map(
      (c, i) => `
    - name: case-${i}
      paths: [/case-${i}]
      strip_path: false
      plugins:
        - name: opentelemetry
          config:
            traces_endpoint: ${otlp.url}
            sampling_rate: 1
            queue: { max_batch_size: 200, max_coalescing_delay: 0.05 }
            ${c.config}`,
    )
    .join('\n');
  const { gw, up } = await gatewayWithService(t, routes);
  for (const [i, c] of cases.entries()) {
    await t.test(c.name, async (t) => {
      const res = await request(gw.port, `/case-${i}`, { headers: c.incoming });
      t.equal(res.status, 200);
      const got = up.seen.find((s) => s.url === `/case-${i}`)!.headers;
      if (c.name.startsWith('an incoming "not sampled"')) {
        t.match(got.traceparent, new RegExp(`^00-${TRACE}-[0-9a-f]{16}-00$`), 'the upstream hears "not sampled"');
        return;
      }
      // Cases share trace ids: this case's spans are its root's and the root's children.
      const { root, balancer } = await waitFor('the spans', () => {
        const r = otlp.spans.find((s) => s.name === 'kong' && s.attributes['http.route'] === `/case-${i}`);
        const b = r && otlp.spans.find((s) => s.name === 'kong.balancer' && s.parentSpanId === r.spanId);
        return r && b ? { root: r, balancer: b } : undefined;
      });
      if (c.trace !== null) t.equal(root.traceId, c.trace, 'the incoming trace id');
      else t.not(root.traceId, TRACE, 'a new trace');
      t.equal(root.parentSpanId, c.parent, "the root span's parent");
      const want = c.upstream({ trace: root.traceId, root, balancer });
      for (const [name, value] of Object.entries(want)) t.equal(got[name], value, `upstream ${name}`);
    });
  }
  // The one that was not sampled: nothing of it reached the collector.
  t.notOk(otlp.spans.some((s) => s.attributes['http.route'] === `/case-${cases.length - 1}`), 'a trace the caller did not sample is not exported');
});
