/** examples/lua-functions.yaml through a real gateway: an IP allow list, header rewrites, kong.ctx.shared from
 * pre- to post-function, and a route the gateway answers itself with ngx.say and cjson. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { gateway, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

t.test('examples/lua-functions.yaml', async (t) => {
  const up = await upstream(t, 'orders');
  const example = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'lua-functions.yaml'), 'utf8');
  const gw = await gateway(t, example.replace('http://orders.internal:8080', up.url));

  const missing = await request(gw.port, '/orders');
  t.equal(missing.status, 400);
  t.same(missing.json(), { message: 'x-tenant header is required' });
  t.equal(missing.headers['x-served-by'], 'sluice', 'post-function header_filter runs on the exit too');

  const ok = await request(gw.port, '/orders', { headers: { 'x-tenant': 'ACME' } });
  t.equal(ok.status, 200);
  const seen = ok.json<{ headers: Record<string, string> }>().headers;
  t.equal(seen['x-tenant-id'], 'acme');
  t.equal(seen['x-tenant'], undefined);
  t.equal(ok.headers['x-served-by'], 'sluice');
  t.match(ok.headers['x-elapsed-ms'], /^\d+$/, 'kong.ctx.shared carried the start time to post-function');

  const health = await request(gw.port, '/health');
  t.equal(health.status, 200);
  t.match(health.headers['content-type'], /^application\/json/);
  t.match(health.json(), { status: 'ok', time: Number });
  t.equal(up.seen.length, 1, 'only the one allowed request reached the upstream');
});
