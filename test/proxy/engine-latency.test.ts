/**
 * kong.log.serialize().latencies.proxy is Kong's KONG_WAITING_TIME: from handing the request to the upstream
 * until its response headers (with buffered proxying, until the response phases start, after the body, as in
 * Kong). An upstream that waits 100 ms before its headers shows at least 100 there, and less than the whole
 * request; a response the gateway makes itself never went upstream (-1). Both engines.
 */
import t from 'tap';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream } from '../helpers/upstream.js';
import { waitFor } from '../pdk/wait-for.js';

const DELAY = 100;
// The body's lag behind the headers: long enough that a busy machine's event-loop stall (two tap jobs on two
// cores) cannot make the gateway read both at once and blur the waiting time into the request time.
const BODY_LAG = 400;

for (const engine of ['undici', 'http-proxy'] as const) {
  t.test(`latencies.proxy (${engine})`, async (t) => {
    const up = await startUpstream('slow', (_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        // The body comes later still: the waiting time stops at the headers.
        res.write('head ');
        setTimeout(() => res.end('tail'), BODY_LAG);
      }, DELAY);
    });
    t.teardown(() => up.close());
    const gw = await startTestGateway(
      `_format_version: "3.0"
services:
  - name: s
    url: ${up.url}
    routes:
      - name: streamed
        paths: [/streamed]
      - name: buffered
        paths: [/buffered]
        plugins:
          - name: pre-function
            config: { access: ["kong.service.request.enable_buffering()"] }
      - name: answered
        paths: [/answered]
        plugins:
          - name: request-termination
            config: { status_code: 418 }
plugins:
  - name: post-function
    config:
      log:
        - |
          const s = kong.log.serialize();
          kong.log.info('latencies', JSON.stringify({ path: s.request.uri, ...s.latencies }));
`,
      { engine },
    );
    t.teardown(() => gw.close());
    const latencies = async (path: string) => {
      const res = await request(gw.port, path);
      const line = await waitFor(() => gw.logs.find((l) => String(l.msg).startsWith('latencies ') && String(l.msg).includes(`"${path}"`)));
      return { status: res.status, ...(JSON.parse(String(line.msg).slice('latencies '.length)) as { proxy: number; request: number }) };
    };

    for (const path of ['/streamed', '/buffered']) {
      const l = await latencies(path);
      t.equal(l.status, 200, `${path}: proxied`);
      t.ok(l.proxy >= DELAY, `${path}: proxy ${l.proxy} ms ≥ the upstream's ${DELAY} ms before its headers`);
      if (path === '/streamed') t.ok(l.proxy < l.request, `${path}: proxy ${l.proxy} ms < request ${l.request} ms`);
      else {
        // Buffered, the wait runs to the response phases, after the body: it holds the body's lag, and only the
        // response phases (well under a millisecond, so the rounded figures may be equal) separate it from the request.
        t.ok(l.proxy >= DELAY + BODY_LAG, `${path}: proxy ${l.proxy} ms holds the body's ${BODY_LAG} ms too`);
        t.ok(l.proxy <= l.request, `${path}: proxy ${l.proxy} ms ≤ request ${l.request} ms`);
      }
      t.ok(l.request >= DELAY + BODY_LAG, `${path}: the request took the body's extra ${BODY_LAG} ms too (${l.request} ms)`);
    }
    const answered = await latencies('/answered');
    t.equal(answered.status, 418);
    t.equal(answered.proxy, -1, 'answered by a plugin: nothing went upstream (Kong: -1)');
  });
}
