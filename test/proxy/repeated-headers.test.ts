/** Header routes see every value of a repeated header, as Kong's router does (not Node's joined string). */
import t from 'tap';
import { gatewayWithService } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

t.test('a repeated request header matches on any of its values', async (t) => {
  const { gw } = await gatewayWithService(t, '- { name: v2, headers: { x-version: [v2] } }');
  t.equal((await request(gw.port, '/', { headers: { 'x-version': ['v1', 'v2'] } })).status, 200, 'second value matches');
  t.equal((await request(gw.port, '/', { headers: { 'x-version': 'v2' } })).status, 200);
  t.equal((await request(gw.port, '/', { headers: { 'x-version': ['v1', 'v3'] } })).status, 404);
});
