import t from 'tap';
import { gateway, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

// Rows of Kong's shared fixture (Kong's kong/router/utils.lua get_upstream_uri_v0, v0 — what traditional_compatible does), sent through a real gateway:
// [service.path, route path, strip_path, request path, upstream path]. The router's unit tests run the full table.
const ROWS: [string, string | null, boolean, string, string, ('v1' | undefined)?][] = [
  ['/', '/', true, '/route/req', '/route/req'],
  ['/', '/route', true, '/route', '/'],
  ['/', '/route', false, '/route/', '/route/'],
  ['/', '/route', true, '/routereq', '/req'],
  ['/', '/route/', true, '/route/req', '/req'],
  ['/srv', '/rou', false, '/roureq', '/srv/roureq'],
  ['/srv', '/rou', true, '/roureq', '/srv/req'],
  ['/srv/', '/rou', true, '/rou', '/srv'],
  ['/service', '/', true, '/route/', '/service/route/'],
  ['/service', '/route', true, '/route', '/service'],
  ['/service', '/route', true, '/route/', '/service/'],
  ['/service', '/route/', true, '/route/req', '/service/req'],
  ['/service/', '/route', true, '/route', '/service'],
  ['/service/', '/route', false, '/route/', '/service/route/'],
  ['/service/', '/route/', true, '/route/', '/service/'],
  ['/service', null, true, '/', '/service'],
  ['/service/', null, true, '/route', '/service/route'],
  ['/service', '/route', true, '/route%2E/req', '/service/req'],
  ['/service', '/route', false, '/route../req', '/service/route../req'],
  ['/service', '~/rout(e)', true, '/route/req', '/service/req'],
  // path_handling v1 (Kong's traditional router), where it differs:
  ['/srv', '/rou', false, '/roureq', '/srvroureq', 'v1'],
  ['/service', '/route/', true, '/route/req', '/servicereq', 'v1'],
  ['/service/', '/route', true, '/route', '/service/', 'v1'],
];

t.test('path handling through the proxy (strip_path × service.path × route path)', async (t) => {
  const up = await upstream(t, 'paths');
  let yaml = '_format_version: "3.0"\nservices:\n';
  ROWS.forEach(([servicePath, routePath, strip, , , handling], i) => {
    yaml += `  - name: s${i}\n    url: ${up.url}${servicePath}\n    routes:\n      - name: r${i}\n        hosts: [row${i}.test]\n        strip_path: ${strip}\n`;
    if (handling) yaml += `        path_handling: ${handling}\n`;
    if (routePath !== null) yaml += `        paths: ['${routePath}']\n`;
  });
  const gw = await gateway(t, yaml);
  for (const [i, [servicePath, routePath, strip, reqPath, want]] of ROWS.entries()) {
    const res = await request(gw.port, `${reqPath}?q=${i}`, { headers: { host: `row${i}.test` } });
    t.equal(res.status, 200, `row ${i} routed`);
    t.equal(
      res.json<{ url: string }>().url,
      `${want}?q=${i}`,
      `service ${servicePath}, route ${routePath ?? '(host only)'}, strip ${strip}: ${reqPath} → ${want}`,
    );
  }
  const bare = await request(gw.port, '/route/x?', { headers: { host: 'row0.test' } });
  t.equal(bare.json<{ url: string }>().url, '/route/x?', 'a bare trailing ? is preserved');
});
