/**
 * Kong's extractors and injectors, case by case (kong/observability/tracing/propagation/; the cases of
 * spec/01-unit/26-observability/02-propagation_strategies_spec.lua): what each format reads, what it refuses
 * with a warning, how ids are sized; then the header_type → propagation mapping, and the config checks.
 */
import t from 'tap';
import { startError } from '../../helpers/gateway.js';
import { extractWith, holdsAnything, injectWith, type TraceContext } from '../../../src/plugins/tracing/format.js';
import { EXTRACTORS, type ExtractFormat, INJECTORS, type InjectFormat } from '../../../src/plugins/tracing/formats.js';
import { pluginPropagation } from '../../../src/plugins/tracing/propagation.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const PARENT = '00f067aa0ba902b7';

interface ExtractCase {
  readonly format: ExtractFormat;
  readonly name: string;
  readonly headers: Record<string, string>;
  /** The context, or null when nothing is found; `warn` when Kong logs a warning. */
  readonly want: TraceContext | null;
  readonly warn?: RegExp;
}

const extractCases: ExtractCase[] = [
  { format: 'w3c', name: 'sampled', headers: { traceparent: `00-${TRACE}-${SPAN}-01` }, want: { traceId: TRACE, spanId: SPAN, shouldSample: true, w3cFlags: 1, traceIdOriginalSize: 16 } },
  { format: 'w3c', name: 'not sampled, other flags kept', headers: { traceparent: `00-${TRACE}-${SPAN}-02` }, want: { traceId: TRACE, spanId: SPAN, shouldSample: false, w3cFlags: 2, traceIdOriginalSize: 16 } },
  { format: 'w3c', name: 'version 01', headers: { traceparent: `01-${TRACE}-${SPAN}-01` }, want: null, warn: /invalid W3C Trace Context version/ },
  { format: 'w3c', name: 'all-zero trace id', headers: { traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` }, want: null, warn: /trace ID/ },
  { format: 'w3c', name: 'short parent id', headers: { traceparent: `00-${TRACE}-abc-01` }, want: null, warn: /parent ID/ },
  { format: 'w3c', name: 'not hex', headers: { traceparent: `00-${TRACE}-${SPAN}-0x` }, want: null, warn: /invalid W3C traceparent header/ },
  { format: 'w3c', name: 'no header', headers: {}, want: null },
  { format: 'b3', name: 'multi, 64-bit trace id padded', headers: { 'x-b3-traceid': SPAN, 'x-b3-spanid': PARENT, 'x-b3-sampled': 'true' }, want: { traceId: `0000000000000000${SPAN}`, spanId: PARENT, reuseSpanId: true, shouldSample: true, traceIdOriginalSize: 8 } },
  { format: 'b3', name: 'X-B3-Flags: 1 samples', headers: { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-sampled': '0', 'x-b3-flags': '1' }, want: { traceId: TRACE, spanId: SPAN, reuseSpanId: true, shouldSample: true, flags: '1', traceIdOriginalSize: 16 } },
  { format: 'b3', name: 'single with parent', headers: { b3: `${TRACE}-${SPAN}-d-${PARENT}` }, want: { traceId: TRACE, spanId: SPAN, parentId: PARENT, reuseSpanId: true, shouldSample: true, flags: '1', singleHeader: true, traceIdOriginalSize: 16 } },
  { format: 'b3', name: 'single wins over multi', headers: { b3: `${TRACE}-${SPAN}-0`, 'x-b3-traceid': 'a'.repeat(32), 'x-b3-sampled': '1' }, want: { traceId: TRACE, spanId: SPAN, reuseSpanId: true, shouldSample: false, singleHeader: true, traceIdOriginalSize: 16 } },
  { format: 'b3', name: 'sampling only', headers: { b3: '1' }, want: { reuseSpanId: true, shouldSample: true, singleHeader: true } },
  { format: 'b3', name: 'from tracestate', headers: { tracestate: `congo=t61rcWkgMzE, b3=${TRACE}-${SPAN}-1` }, want: { traceId: TRACE, spanId: SPAN, reuseSpanId: true, shouldSample: true, singleHeader: true, traceIdOriginalSize: 16 } },
  { format: 'b3', name: 'a bad id drops the ids, the decision stays (and counts as found)', headers: { 'x-b3-traceid': 'xyz', 'x-b3-sampled': '1' }, want: { reuseSpanId: true, shouldSample: true }, warn: /x-b3-traceid header invalid/ },
  { format: 'jaeger', name: 'with baggage', headers: { 'uber-trace-id': `${TRACE}:${SPAN}:0:1`, 'uberctx-user': 'a%20b' }, want: { traceId: TRACE, spanId: SPAN, parentId: '0000000000000000', reuseSpanId: true, shouldSample: true, baggage: { user: 'a b' }, traceIdOriginalSize: 16 } },
  { format: 'jaeger', name: 'odd-length ids padded', headers: { 'uber-trace-id': 'abc:def:0:0' }, want: { traceId: `${'0'.repeat(28)}0abc`, spanId: '0000000000000def', parentId: '0000000000000000', reuseSpanId: true, shouldSample: false, traceIdOriginalSize: 2 } },
  { format: 'jaeger', name: 'zero span id', headers: { 'uber-trace-id': `${TRACE}:0:0:1` }, want: null, warn: /span ID/ },
  { format: 'ot', name: 'ids, decision, baggage', headers: { 'ot-tracer-traceid': SPAN, 'ot-tracer-spanid': PARENT, 'ot-tracer-sampled': '1', 'ot-baggage-k': 'v' }, want: { traceId: `0000000000000000${SPAN}`, spanId: PARENT, shouldSample: true, baggage: { k: 'v' }, traceIdOriginalSize: 8 } },
  { format: 'ot', name: 'a bad span id drops both ids', headers: { 'ot-tracer-traceid': TRACE, 'ot-tracer-spanid': 'x' }, want: null, warn: /ot-tracer-spanid/ },
  { format: 'datadog', name: 'decimal ids', headers: { 'x-datadog-trace-id': '12345678901234567890', 'x-datadog-parent-id': '1', 'x-datadog-sampling-priority': '2' }, want: { traceId: `0000000000000000${BigInt('12345678901234567890').toString(16)}`, spanId: '0000000000000001', shouldSample: true, traceIdOriginalSize: 8 } },
  { format: 'datadog', name: 'a bad priority refuses it all', headers: { 'x-datadog-trace-id': '1', 'x-datadog-sampling-priority': 'yes' }, want: null, warn: /sampling-priority/ },
  { format: 'datadog', name: 'a parent without a trace is dropped', headers: { 'x-datadog-parent-id': '5', 'x-datadog-sampling-priority': '-1' }, want: { shouldSample: false } },
  { format: 'aws', name: 'Root, Parent, Sampled, and keys it ignores', headers: { 'x-amzn-trace-id': `Self=1-abc; Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)}; Parent=${SPAN}; Sampled=0` }, want: { traceId: TRACE, spanId: SPAN, shouldSample: false, traceIdOriginalSize: 16 } },
  { format: 'aws', name: 'a bad root', headers: { 'x-amzn-trace-id': `Root=2-${TRACE.slice(0, 8)}-${TRACE.slice(8)}` }, want: null, warn: /trace id/ },
  { format: 'gcp', name: 'decimal span id', headers: { 'x-cloud-trace-context': `${TRACE}/${BigInt(`0x${SPAN}`)};o=1` }, want: { traceId: TRACE, spanId: SPAN, shouldSample: true, traceIdOriginalSize: 16 } },
  { format: 'gcp', name: 'no o= is not sampled', headers: { 'x-cloud-trace-context': `${TRACE}/1` }, want: { traceId: TRACE, spanId: '0000000000000001', shouldSample: false, traceIdOriginalSize: 16 } },
  { format: 'gcp', name: 'upper-case hex refused', headers: { 'x-cloud-trace-context': `${TRACE.toUpperCase()}/1` }, want: null, warn: /invalid GCP header/ },
  { format: 'instana', name: 'trace, span and level', headers: { 'x-instana-t': TRACE, 'x-instana-s': SPAN, 'x-instana-l': '1,correlationType=web' }, want: { traceId: TRACE, spanId: SPAN, shouldSample: true, traceIdOriginalSize: 16 } },
];

t.test('extractors', async (t) => {
  for (const c of extractCases) {
    const warnings: string[] = [];
    const got = extractWith(EXTRACTORS[c.format], c.headers, (m) => warnings.push(m));
    t.same(holdsAnything(got) ? got : null, c.want, `${c.format}: ${c.name}`);
    if (c.warn) t.match(warnings.join('\n'), c.warn, `${c.format}: ${c.name} warns`);
    else t.same(warnings, [], `${c.format}: ${c.name}, no warning`);
  }
});

interface InjectCase {
  readonly format: InjectFormat;
  readonly name: string;
  readonly ctx: TraceContext;
  readonly headers: Record<string, string> | string;
  readonly formatted?: Record<string, string>;
}

const ctx: TraceContext = { traceId: TRACE, spanId: SPAN, parentId: PARENT, shouldSample: true };

const injectCases: InjectCase[] = [
  { format: 'w3c', name: 'traceparent', ctx, headers: { traceparent: `00-${TRACE}-${SPAN}-01` }, formatted: { w3c: TRACE } },
  { format: 'w3c', name: 'needs ids', ctx: { shouldSample: true }, headers: 'w3c injector context is invalid: field trace_id not found in context' },
  { format: 'b3', name: 'multi', ctx, headers: { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': PARENT, 'x-b3-sampled': '1' }, formatted: { b3: TRACE } },
  { format: 'b3', name: 'flags instead of sampled', ctx: { ...ctx, flags: '1' }, headers: { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': PARENT, 'x-b3-flags': '1' } },
  { format: 'b3', name: 'keeps a 64-bit incoming size', ctx: { ...ctx, traceIdOriginalSize: 8 }, headers: { 'x-b3-traceid': TRACE.slice(16), 'x-b3-spanid': SPAN, 'x-b3-parentspanid': PARENT, 'x-b3-sampled': '1' } },
  { format: 'b3-single', name: 'debug', ctx: { ...ctx, flags: '1' }, headers: { b3: `${TRACE}-${SPAN}-d-${PARENT}` } },
  { format: 'b3-single', name: 'decision only', ctx: { shouldSample: false }, headers: { b3: '0' } },
  { format: 'jaeger', name: 'no parent', ctx: { traceId: TRACE, spanId: SPAN, shouldSample: false, baggage: { 'a b': 'c/d' } }, headers: { 'uber-trace-id': `${TRACE}:${SPAN}:0:00`, 'uberctx-a b': 'c%2Fd' } },
  { format: 'ot', name: 'defaults to 64 bits', ctx, headers: { 'ot-tracer-traceid': TRACE.slice(16), 'ot-tracer-spanid': SPAN, 'ot-tracer-sampled': '1' }, formatted: { ot: TRACE.slice(16) } },
  { format: 'datadog', name: 'decimal, low 64 bits', ctx, headers: { 'x-datadog-trace-id': BigInt(`0x${TRACE.slice(16)}`).toString(), 'x-datadog-parent-id': BigInt(`0x${SPAN}`).toString(), 'x-datadog-sampling-priority': '1' } },
  { format: 'aws', name: 'Root, Parent, Sampled', ctx, headers: { 'x-amzn-trace-id': `Root=1-${TRACE.slice(0, 8)}-${TRACE.slice(8)};Parent=${SPAN};Sampled=1` } },
  { format: 'gcp', name: 'decimal span id', ctx: { ...ctx, shouldSample: false }, headers: { 'x-cloud-trace-context': `${TRACE}/${BigInt(`0x${SPAN}`)};o=0` } },
  { format: 'instana', name: 'trace, span, level', ctx, headers: { 'x-instana-t': TRACE, 'x-instana-s': SPAN, 'x-instana-l': '1' } },
];

t.test('injectors', async (t) => {
  for (const c of injectCases) {
    const got = injectWith(INJECTORS[c.format], c.ctx);
    if (typeof c.headers === 'string') t.equal(got, c.headers, `${c.format}: ${c.name}`);
    else {
      t.same(typeof got === 'string' ? got : got.headers, c.headers, `${c.format}: ${c.name}`);
      if (c.formatted && typeof got !== 'string') t.same(got.formatted, c.formatted, `${c.format}: ${c.name}, trace id format`);
    }
  }
});

t.test("header_type maps onto propagation as Kong's get_plugin_params", async (t) => {
  const legacy = ['b3', 'w3c', 'jaeger', 'ot', 'datadog', 'aws', 'gcp', 'instana'];
  const w3c = { default_format: 'w3c' as const };
  t.same(pluginPropagation({ propagation: w3c, header_type: 'preserve' }), { extract: legacy, inject: ['preserve'], clear: [], defaultFormat: 'w3c' });
  t.same(pluginPropagation({ propagation: w3c, header_type: 'ignore' }), { extract: null, inject: ['w3c'], clear: [], defaultFormat: 'w3c' });
  t.same(pluginPropagation({ propagation: w3c, header_type: 'aws' }), { extract: legacy, inject: ['preserve', 'aws'], clear: [], defaultFormat: 'w3c' });
  t.same(
    pluginPropagation({ propagation: { default_format: 'b3' }, header_type: 'preserve', default_header_type: 'jaeger' }),
    { extract: legacy, inject: ['preserve'], clear: [], defaultFormat: 'jaeger' },
    "zipkin's default_header_type is the default format",
  );
  t.same(
    pluginPropagation({ propagation: { extract: ['gcp'], default_format: 'w3c' }, header_type: 'jaeger' }),
    { extract: ['gcp'], inject: null, clear: [], defaultFormat: 'w3c' },
    'a propagation record with fields set is used as it is',
  );
});

t.test("config checks: Kong's rules, and what sluice refuses", async (t) => {
  const plugin = (name: string, config: string) => `_format_version: "3.0"\nplugins:\n  - name: ${name}\n    config: ${config}\n`;
  const cases: [string, string, RegExp | null][] = [
    ['opentelemetry', '{}', /at least one of these fields must be non-empty: 'traces_endpoint', 'logs_endpoint'/],
    ['opentelemetry', '{ traces_endpoint: "http://127.0.0.1:4318/v1/traces", logs_endpoint: "http://127.0.0.1:4318/v1/logs" }', /does not export OpenTelemetry logs/],
    ['opentelemetry', '{ endpoint: "http://127.0.0.1:4318/v1/traces" }', null],
    ['opentelemetry', '{ traces_endpoint: "grpc://127.0.0.1:4317" }', /only http and https endpoints/],
    ['opentelemetry', '{ traces_endpoint: "not a url" }', /missing host in url/],
    ['opentelemetry', '{ traces_endpoint: "http://c/v1/traces", sampling_rate: 2 }', /between 0 and 1/],
    ['opentelemetry', '{ traces_endpoint: "http://c/v1/traces", resource_attributes: { host.name: "$(headers.host)" } }', /Lua templates/],
    ['opentelemetry', '{ traces_endpoint: "http://c/v1/traces", header_type: "zipkin" }', /header_type/],
    ['opentelemetry', '{ traces_endpoint: "http://c/v1/traces", propagation: { extract: [b3-single], default_format: w3c } }', /extract/],
    ['opentelemetry', '{ traces_endpoint: "http://c/v1/traces", propagation: { inject: [preserve, datadog], clear: [traceparent], default_format: w3c } }', null],
    ['zipkin', '{}', null],
    ['zipkin', '{ static_tags: [{ name: lc, value: x }] }', /expected none of/],
    ['zipkin', '{ static_tags: [{ name: a, value: one }, { name: a, value: two }] }', /repeated tags are not allowed: a/],
    ['zipkin', '{ traceid_byte_count: 12 }', /traceid_byte_count/],
  ];
  for (const [name, config, want] of cases) {
    const err = await startError(plugin(name, config));
    if (want === null) t.equal(err, null, `${name} ${config}: accepted`);
    else t.match(err, want, `${name} ${config}: refused`);
  }
});
