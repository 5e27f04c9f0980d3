/** Header routes see every value of a repeated header, as Kong's router does (not Node's joined string). */
import t from 'tap';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { startUpstream } from '../helpers/upstream.js';

t.test('a repeated request header matches on any of its values', async (t) => {
  const up = await startUpstream('v2');
  t.teardown(() => up.close());
  const gw = await startTestGateway(`_format_version: "3.0"
services:
  - name: s
    url: ${up.url}
    routes:
      - name: v2
        headers: { x-version: [v2] }
`);
  t.teardown(() => gw.close());
  t.equal((await request(gw.port, '/', { headers: { 'x-version': ['v1', 'v2'] } })).status, 200, 'second value matches');
  t.equal((await request(gw.port, '/', { headers: { 'x-version': 'v2' } })).status, 200);
  t.equal((await request(gw.port, '/', { headers: { 'x-version': ['v1', 'v3'] } })).status, 404);
});
