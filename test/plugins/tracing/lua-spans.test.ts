/**
 * kong.tracing from Lua pre-functions through real gateways, spans exported by the opentelemetry plugin to a
 * local OTLP/HTTP receiver. Kong's span API is called with a colon (kong/pdk/tracing.lua span_mt:
 * `span:finish()`, `span:set_attribute(k, v)`); the Lua binding must pass the span as self and reach the same
 * JS span JavaScript functions use. Invariants attacked: attributes, status, parent/child and the active span
 * reach the export; fields read through; a dot call is an error at the caller's line, not a silent no-op; the
 * noop tracer (no tracing plugin) takes the same calls.
 */
import t from 'tap';
import { gatewayWithService, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { otlpReceiver } from './receivers.js';

const WORK = `
-- a Lua function: Kong's span API with colons
local span = kong.tracing.start_span("lua.work", { attributes = { ["work.kind"] = "lookup" } })
span:set_attribute("work.items", 3)
span:set_attribute("work.tags", { "a", "b" })
span:add_event("cache.miss", { key = "k1" })
local child = kong.tracing.start_span("lua.child", { parent = span })
child:set_attribute("child", true)
child:finish()
span:set_status(2)
span:finish()
local seen = {}
kong.tracing.process_span(function(s) if s.name == "lua.child" then seen[#seen + 1] = s end end)
local active = kong.tracing.active_span()
kong.service.request.set_header("x-span", table.concat({
  span.name, tostring(span.is_recording), tostring(#span.trace_id), tostring(child.parent == span),
  tostring(child.trace_id == span.trace_id), tostring(seen[1] == child), tostring(active ~= nil and active.name ~= "lua.work"),
  tostring(span.end_time_ns ~= nil and span.end_time_ns >= span.start_time_ns),
}, ","))
`;

t.test('Lua spans: colon methods reach the exported spans', async (t) => {
  const otlp = await otlpReceiver(t);
  const pre = (src: string) => `{ name: pre-function, config: { access: [${JSON.stringify(src)}] } }`;
  const otel = `{ name: opentelemetry, config: { traces_endpoint: "${otlp.url}", sampling_rate: 1, queue: { max_coalescing_delay: 0.05 } } }`;
  const dotCall = '-- Lua\nlocal span = kong.tracing.start_span("x")\nspan.finish()';
  const { gw, up } = await gatewayWithService(t, `
    - { name: traced, paths: [/traced], strip_path: false, plugins: [${pre(WORK)}, ${otel}] }
    - { name: plain, paths: [/plain], strip_path: false, plugins: [${pre(WORK)}] }
    - { name: dot, paths: [/dot], plugins: [${pre(dotCall)}] }
  `);
  t.equal((await request(gw.port, '/traced')).status, 200);
  t.equal(
    up.seen.find((s) => s.url === '/traced')!.headers['x-span'],
    'lua.work,true,32,true,true,true,true,true',
    'fields read through; the same span comes back as the same table; the active span is the plugin span again',
  );
  const work = await waitFor('the Lua span', () => otlp.spans.find((s) => s.name === 'lua.work'));
  const child = await waitFor('its child', () => otlp.spans.find((s) => s.name === 'lua.child'));
  const plugin = otlp.spans.find((s) => s.name === 'kong.access.plugin.pre-function' && s.traceId === work.traceId)!;
  t.ok(plugin, 'the plugin span is in the same trace');
  t.equal(work.parentSpanId, plugin.spanId, 'a child of the running plugin span');
  t.same(work.attributes, { 'work.kind': 'lookup', 'work.items': 3, 'work.tags': ['a', 'b'] }, 'span:set_attribute');
  t.equal(work.status, 2, 'span:set_status');
  t.ok(work.end >= work.start && work.end > 0n, 'span:finish');
  t.equal(child.parentSpanId, work.spanId, 'options.parent is the Lua span');
  t.same(child.attributes, { child: true });

  t.equal((await request(gw.port, '/plain')).status, 200);
  t.equal(
    up.seen.find((s) => s.url === '/plain')!.headers['x-span'],
    ',false,32,false,true,false,false,false',
    "without a tracing plugin, Kong's noop tracer takes the same calls (noop spans, nothing active)",
  );

  const dot = await request(gw.port, '/dot');
  t.equal(dot.status, 500, 'a dot call fails the function');
  const err = await waitFor('the error logged', () => gw.logs.find((l) => /span expected/.test(String(l.error))));
  t.match(String(err.error), /pre-function\.config\.access\[0\]:3: bad argument #1 to 'finish' \(span expected, got nil\): call it as span:finish/);
});
