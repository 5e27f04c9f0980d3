/**
 * kong.tracing (Kong's kong/pdk/tracing.lua) from serverless functions through real gateways: a request no
 * tracing plugin applies to gets Kong's noop tracer (the shared default: nothing allocated for tracing); a
 * traced one gets the recording tracer, whose spans a function can add to, under the running plugin's span;
 * a plugin that fails leaves its span in error.
 */
import t from 'tap';
import { gatewayWithService, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { otlpReceiver } from './receivers.js';

t.test('noop tracer without a tracing plugin; spans from a function join the trace', async (t) => {
  const otlp = await otlpReceiver(t);
  const otel = `
        - name: opentelemetry
          config:
            traces_endpoint: ${otlp.url}
            sampling_rate: 1
            queue: { max_batch_size: 200, max_coalescing_delay: 0.05 }`;
  const { gw, up } = await gatewayWithService(t, `
    - name: plain
      paths: [/plain]
      strip_path: false
      plugins:
        - name: pre-function
          config: { access: ["kong.service.request.set_header('x-tracer', kong.tracing.name + ':' + kong.tracing.start_span('x').is_recording)"] }
    - name: traced
      paths: [/traced]
      strip_path: false
      plugins:
        - name: pre-function
          config:
            access:
              - |
                const span = kong.tracing.start_span('custom.work', { attributes: { 'work.kind': 'lookup' } });
                span.set_attribute('work.items', 3);
                span.finish();
                kong.service.request.set_header('x-tracer', kong.tracing.name + ':' + span.is_recording);${otel}
    - name: boom
      paths: [/boom]
      plugins:
        - name: post-function
          config: { access: ["throw new Error('boom')"] }${otel}
  `);
  await request(gw.port, '/plain');
  t.equal(up.seen.find((s) => s.url === '/plain')!.headers['x-tracer'], 'noop:false', "Kong's noop tracer and noop spans");
  await request(gw.port, '/traced');
  t.equal(up.seen.find((s) => s.url === '/traced')!.headers['x-tracer'], 'instrument:true', 'a recording tracer');
  const custom = await waitFor('the custom span', () => otlp.spans.find((s) => s.name === 'custom.work'));
  const plugin = otlp.spans.find((s) => s.name === 'kong.access.plugin.pre-function' && s.traceId === custom.traceId)!;
  t.equal(custom.parentSpanId, plugin.spanId, 'a child of the plugin span that was running');
  t.same(custom.attributes, { 'work.kind': 'lookup', 'work.items': 3 });

  t.equal((await request(gw.port, '/boom')).status, 500);
  const failed = await waitFor('the failed plugin span', () =>
    otlp.spans.find((s) => s.name === 'kong.access.plugin.post-function'),
  );
  t.equal(failed.status, 2, 'the span of the plugin that threw is an error');
  const root = otlp.spans.find((s) => s.name === 'kong' && s.traceId === failed.traceId)!;
  t.equal(root.attributes['http.status_code'], 500);
});
