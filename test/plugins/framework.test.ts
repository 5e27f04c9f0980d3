import t from 'tap';
import { gatewayWithService } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import type { UpstreamHandler } from '../helpers/upstream.js';

t.test('plugin phases, short-circuits and the PDK through a real gateway', async (t) => {
  const handler: UpstreamHandler = (req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
    res.end(JSON.stringify({ url: req.url, method: req.method, headers: req.headers, body: body.toString() }));
  };
  const { gw } = await gatewayWithService(t, `
      - name: phases
        paths: [/phases]
        plugins:
          - name: pre-function
            config:
              access:
                - |
                  kong.ctx.shared.order = ['pre:access'];
                  kong.service.request.set_header('X-From-Pre', kong.request.get_method());
                  kong.service.request.clear_header('x-remove-me');
              header_filter:
                - kong.ctx.shared.order.push('pre:header_filter')
          - name: post-function
            config:
              access:
                - "(kong) => { kong.ctx.shared.order.push('post:access') }"
              header_filter:
                - |
                  function (kong) {
                    kong.ctx.shared.order.push('post:header_filter');
                    kong.response.set_header('X-Order', kong.ctx.shared.order.join(','));
                    kong.response.set_header('X-Upstream-Status', String(kong.service.response.get_status()));
                    kong.response.clear_header('x-upstream');
                  }
      - name: rewrite-request
        paths: [/rewrite]
        plugins:
          - name: pre-function
            config:
              access:
                - |
                  kong.service.request.set_path('/replaced');
                  kong.service.request.set_query({ b: '2', a: ['1', 'x'] });
                  kong.service.request.set_method('PUT');
                  kong.service.request.set_raw_body('new body');
      - name: async-body
        paths: [/body]
        plugins:
          - name: pre-function
            config:
              access:
                - |
                  const [body, err] = await kong.request.get_body();
                  if (err) return kong.response.exit(400, { message: err });
                  kong.response.exit(201, { got: body, captures: kong.request.get_uri_captures() });
      - name: exits
        paths: [/exit]
        plugins:
          - name: request-termination
            config: { status_code: 403, message: "go away" }
          - name: post-function
            config:
              header_filter:
                - kong.response.set_header('X-Saw-Exit', kong.response.get_source())
      - name: throws
        paths: [/throws]
        plugins:
          - name: pre-function
            config:
              access:
                - "throw new Error('boom')"
      - name: spins
        paths: [/spins]
        plugins:
          - name: pre-function
            config:
              access:
                - "while (true) {}"
      - name: triggered
        paths: [/trigger]
        plugins:
          - name: request-termination
            config: { status_code: 418, trigger: X-Stop }
`, { handler, more: `
routes:
  - name: serviceless
    paths: [/mock]
    plugins:
      - name: request-termination
        config: { status_code: 200, body: "mocked", content_type: text/plain }
plugins:
  - name: post-function
    config:
      header_filter:
        - kong.response.set_header('X-Global', 'yes')
` });

  const phases = await request(gw.port, '/phases/a', { headers: { 'x-remove-me': '1' } });
  t.equal(phases.status, 200);
  const seen = phases.json<{ headers: Record<string, string> }>();
  t.equal(seen.headers['x-from-pre'], 'GET', 'kong.service.request.set_header reaches the upstream');
  t.notOk('x-remove-me' in seen.headers, 'clear_header removes it');
  t.equal(phases.headers['x-order'], 'pre:access,post:access,pre:header_filter,post:header_filter', 'priority order in each phase');
  t.equal(phases.headers['x-upstream-status'], '200');
  t.notOk(phases.headers['x-upstream'], 'header_filter may remove upstream headers');
  t.notOk(phases.headers['x-global'], 'a route-scoped post-function overrides the global one (same plugin name)');

  const rewritten = await request(gw.port, '/rewrite', { method: 'POST', body: 'old' });
  const r = rewritten.json<{ url: string; method: string; body: string }>();
  t.equal(r.url, '/replaced?a=1&a=x&b=2');
  t.equal(r.method, 'PUT');
  t.equal(r.body, 'new body');

  const body = await request(gw.port, '/body', {
    method: 'POST',
    body: JSON.stringify({ k: 'v' }),
    headers: { 'content-type': 'application/json' },
  });
  t.equal(body.status, 201, 'async function exits');
  t.same(body.json(), { got: { k: 'v' }, captures: {} });
  t.equal(body.headers['x-global'], 'yes', 'global plugin runs in header_filter of an exit');

  const exit = await request(gw.port, '/exit');
  t.equal(exit.status, 403);
  t.same(exit.json(), { message: 'go away' });
  t.equal(exit.headers['x-saw-exit'], 'exit', 'response phases run after a short-circuit');
  t.equal(exit.headers.server, 'kong/3.10.0');

  const thrown = await request(gw.port, '/throws');
  t.equal(thrown.status, 500);
  t.equal(thrown.json<{ message: string }>().message, 'An unexpected error occurred');
  t.ok(gw.logs.some((l) => l.level === 'error' && String(l.error).includes('boom')), 'error logged');

  const spin = await request(gw.port, '/spins');
  t.equal(spin.status, 500, 'a function over its time budget is stopped');

  t.equal((await request(gw.port, '/trigger')).status, 200, 'trigger absent: proxied');
  t.equal((await request(gw.port, '/trigger', { headers: { 'x-stop': '1' } })).status, 418, 'trigger header present');
  t.equal((await request(gw.port, '/trigger?X-Stop=1')).status, 418, 'trigger query arg present');

  const mock = await request(gw.port, '/mock');
  t.equal(mock.status, 200, 'serviceless route answered by a plugin');
  t.equal(mock.body, 'mocked');
  t.equal(mock.headers['content-type'], 'text/plain');

  const missing = await request(gw.port, '/nothing-here');
  t.equal(missing.status, 404);
  t.equal(missing.headers['x-global'], 'yes', 'global plugins run on a no-route response');
});
