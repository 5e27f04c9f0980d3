import t from 'tap';
import { gatewayWithService, pluginRoute, startError } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

t.test('ip-restriction through a gateway (client 127.0.0.1)', async (t) => {
  const route = (name: string, config: string) => pluginRoute(name, 'ip-restriction', config);
  const { gw } = await gatewayWithService(t, `${route('deny-me', '{ deny: [127.0.0.1] }')}${route('deny-net', '{ deny: [10.0.0.0/8, 127.0.0.0/8] }')}${route('allow-me', '{ allow: [127.0.0.0/24] }')}${route('allow-other', '{ allow: [10.0.0.0/8, "2001:db8::/32"] }')}${route('custom', '{ deny: [127.0.0.1], status: 401, message: Go away }')}${route('both', '{ allow: [127.0.0.0/8], deny: [127.0.0.1/32] }')}${route('deny-other', '{ deny: ["::1", 192.168.0.0/16] }')}`);

  const cases: [string, number, string | null][] = [
    ['/deny-me', 403, 'IP address not allowed: 127.0.0.1'],
    ['/deny-net', 403, 'IP address not allowed: 127.0.0.1'],
    ['/allow-me', 200, null],
    ['/allow-other', 403, 'IP address not allowed: 127.0.0.1'],
    ['/custom', 401, 'Go away'],
    ['/both', 403, 'IP address not allowed: 127.0.0.1'],
    ['/deny-other', 200, null],
  ];
  for (const [path, status, message] of cases) {
    const res = await request(gw.port, path);
    t.equal(res.status, status, path);
    if (message !== null) t.equal(res.json().message, message, `${path} message`);
  }
});

t.test('ip-restriction refuses invalid configurations', async (t) => {
  const bad = (config: string) =>
    startError(`_format_version: "3.0"
plugins:
  - name: ip-restriction
    config: ${config}
`);
  t.match(await bad('{ allow: [300.1.1.1] }'), /invalid ip or cidr range: '300\.1\.1\.1'/);
  t.match(await bad('{ deny: [10.0.0.0/33] }'), /invalid ip or cidr range/);
  t.match(await bad('{}'), /at least one of these fields must be non-empty: 'config.allow', 'config.deny'/);
});
