/** Stream routes load (Kong accepts them) but sluice has no stream listener yet: it must say so, not stay silent. */
import t from 'tap';
import { startTestGateway } from '../helpers/gateway.js';

t.test('a tcp route is reported as not served', async (t) => {
  const gw = await startTestGateway(`_format_version: "3.0"
services:
  - name: db
    protocol: tcp
    host: 127.0.0.1
    port: 5432
    routes:
      - name: db-tcp
        protocols: [tcp]
        destinations: [{ port: 15432 }]
`);
  t.teardown(() => gw.close());
  const warned = gw.logs.find((l) => l.level === 'warn' && String(l.msg).startsWith('stream routes'));
  t.ok(warned, 'the load logs a warning');
  t.same(warned?.routes, ['db-tcp'], 'naming the route');
});
