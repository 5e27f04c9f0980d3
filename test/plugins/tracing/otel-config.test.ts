/**
 * opentelemetry config fields no other test reaches, through real gateways to collectors on 127.0.0.1
 * (Kong: kong/plugins/opentelemetry/schema.lua; kong/tools/queue.lua get_plugin_params). "Accepted means
 * working": the deprecated batch_span_count / batch_flush_delay become the queue's batch size and delay (with
 * Kong's warning); the deprecated endpoint is traces_endpoint; read_timeout cuts an export to a collector that
 * never answers, so the queue's retries run on time and the loss is logged.
 */
import t from 'tap';
import { gatewayWithService, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { tcpReceiver } from '../log/receivers.js';
import { otlpReceiver } from './receivers.js';

t.test('batch_span_count and batch_flush_delay are the queue batch size and delay', async (t) => {
  const otlp = await otlpReceiver(t);
  const { gw } = await gatewayWithService(t, `
    - name: batched
      paths: [/batched]
      plugins:
        - name: opentelemetry
          config: { traces_endpoint: "${otlp.url}", sampling_rate: 1, batch_span_count: 2, batch_flush_delay: 0 }
  `);
  for (let i = 0; i < 3; i++) t.equal((await request(gw.port, '/batched')).status, 200);
  await waitFor('every request exported', () => otlp.spans.filter((s) => s.name === 'kong').length === 3);
  t.ok(otlp.exports.length >= 6, `many small exports (${otlp.exports.length})`);
  t.ok(otlp.exports.every((e) => e.spans.length <= 2), 'no export holds more than batch_span_count spans');
  t.ok(gw.logs.some((l) => String(l.msg).includes('the batch_span_count parameter is deprecated')), "Kong's deprecation warning");
});

t.test('read_timeout: a collector that never answers is cut, the queue retries and drops on time', async (t) => {
  // A TCP server that reads and never answers.
  const { port } = await tcpReceiver(t);
  const { gw } = await gatewayWithService(t, `
    - name: stuck
      paths: [/stuck]
      plugins:
        - name: opentelemetry
          config:
            traces_endpoint: http://127.0.0.1:${port}/v1/traces
            sampling_rate: 1
            read_timeout: 150
            queue: { max_coalescing_delay: 0.05, max_retry_time: 0.6, initial_retry_delay: 0.05 }
  `);
  const started = Date.now();
  t.equal((await request(gw.port, '/stuck')).status, 200);
  await waitFor('the loss logged', () => gw.logs.some((l) => /could not send entries due to max_retry_time exceeded/.test(String(l.msg))), 4000);
  t.ok(Date.now() - started < 4000, `dropped after ${Date.now() - started} ms (the default 5 s read_timeout would still be waiting)`);
});

t.test("the deprecated endpoint is the traces endpoint, with Kong's warning", async (t) => {
  const otlp = await otlpReceiver(t);
  const { gw } = await gatewayWithService(t, `
    - name: old
      paths: [/old]
      plugins:
        - name: opentelemetry
          config: { endpoint: "${otlp.url}", sampling_rate: 1, queue: { max_coalescing_delay: 0.05 } }
  `);
  t.equal((await request(gw.port, '/old')).status, 200);
  await waitFor('the export', () => otlp.spans.some((s) => s.name === 'kong'));
  t.ok(gw.logs.some((l) => String(l.msg).includes('config.endpoint is deprecated, please use config.traces_endpoint instead')));
});
