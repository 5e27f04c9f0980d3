/**
 * The default kong.yaml as shipped: it serves offline, and the Admin API it proxies at /admin answers only
 * loopback clients (the proxy listens on every interface; the Admin API shows the whole configuration).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { parseTrustedIps } from '../../src/proxy/settings.js';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

t.test('default kong.yaml: greeting offline, Admin API through the proxy for loopback clients only', async (t) => {
  const shipped = await readFile(join(import.meta.dirname, '../../kong.yaml'), 'utf8');
  // Trusting 127.0.0.1's X-Real-IP lets the test speak as a remote client while staying on loopback.
  const gw = await startTestGateway(shipped, { settings: { trustedIps: parseTrustedIps('127.0.0.1') } });
  t.teardown(() => gw.close());
  // The shipped file points /admin at 127.0.0.1:8001; aim it at this gateway's own Admin API port.
  await gw.writeConfig(shipped.replace('http://127.0.0.1:8001', `http://127.0.0.1:${gw.adminPort}`));
  t.equal((await gw.reload()).status, 'swapped');

  const hello = await request(gw.port, '/');
  t.equal(hello.status, 200);
  t.match(hello.body, /Hello from sluice/);

  const local = await request(gw.port, '/admin/status');
  t.equal(local.status, 200, 'a loopback client reaches the Admin API');
  for (const ip of ['10.1.2.3', '192.168.0.7', '2001:db8::1']) {
    const remote = await request(gw.port, '/admin/config', { headers: { 'x-real-ip': ip } });
    t.equal(remote.status, 403, `a client at ${ip} does not`);
    t.notMatch(remote.body, /_format_version/, 'and sees none of the configuration');
    const ws = await request(gw.port, '/admin/config', {
      headers: { 'x-real-ip': ip, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' },
    }).catch((err: Error) => ({ status: -1, body: err.message }));
    t.equal(ws.status, 403, `nor through an upgrade from ${ip}`);
  }
});
