/** examples/14-protect-an-api.yaml through a real gateway: key-auth, acl, and a consumer-scoped rate-limiting
 * that overrides the service-wide one (Kong's precedence with a consumer known from authentication). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { gateway, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

t.test('protect an API', async (t) => {
  const up = await upstream(t, 'orders');
  const example = readFileSync(join(import.meta.dirname, '..', '..', 'examples', '14-protect-an-api.yaml'), 'utf8');
  const gw = await gateway(t, example.replace('http://orders.internal:8080', up.url));

  const none = await request(gw.port, '/orders');
  t.equal(none.status, 401);
  t.equal(none.json<{ message: string }>().message, 'No API key found in request');
  t.match(none.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'global correlation-id runs on the exit too');

  const intern = await request(gw.port, '/orders', { headers: { 'x-api-key': 'intern-key-0002' } });
  t.equal(intern.status, 403, 'authenticated but not in the allowed group');
  t.equal(intern.json<{ message: string }>().message, 'You cannot consume this service');

  const partner = await request(gw.port, '/orders?apikey=partner-a-key-0001');
  t.equal(partner.status, 200);
  t.equal(partner.headers['x-ratelimit-limit-minute'], '600', 'the consumer-scoped limit wins over the service-wide one');
  const seen = partner.json<{ url: string; headers: Record<string, string> }>();
  t.equal(seen.headers['x-consumer-username'], 'partner-a');
  t.notMatch(seen.url, /apikey/, 'hide_credentials strips the key before the upstream');
});
