/** Kong's rewrite phase: global plugins only, before routing; it may answer the request itself. */
import t from 'tap';
import { gatewayWithService } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

t.test('rewrite runs for global plugins, before routing', async (t) => {
  const { gw, up } = await gatewayWithService(t, `
      - name: r
        paths: [/r]
        plugins:
          - name: post-function
            config:
              rewrite: ["kong.service.request.set_header('x-route-rewrite', 'ran')"]
`, { more: `
plugins:
  - name: pre-function
    config:
      rewrite:
        - |
          kong.service.request.set_header('x-rewrite', 'global');
          if (kong.request.get_header('x-block')) kong.response.exit(451, { message: 'blocked in rewrite' });
` });
  const ok = await request(gw.port, '/r');
  t.equal(ok.status, 200);
  const seen = ok.json<{ headers: Record<string, string> }>().headers;
  t.equal(seen['x-rewrite'], 'global', 'global rewrite ran');
  t.equal(seen['x-route-rewrite'], undefined, 'a route-scoped plugin does not run in rewrite (Kong)');
  const blocked = await request(gw.port, '/r', { headers: { 'x-block': '1' } });
  t.equal(blocked.status, 451);
  t.equal(blocked.json<{ message: string }>().message, 'blocked in rewrite');
  const unrouted = await request(gw.port, '/nowhere', { headers: { 'x-block': '1' } });
  t.equal(unrouted.status, 451, 'rewrite runs even when no route matches');
  t.equal(upstreamHits(up), 1, 'blocked requests never reach the upstream');
});

function upstreamHits(up: { seen: unknown[] }): number {
  return up.seen.length;
}
