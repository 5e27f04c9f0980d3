/**
 * Wildcard hosts with a port, end to end (Kong: a host with a port matches only requests on that port — the
 * Host header's, else the listening one; spec/01-unit/08-router_spec.lua "[wildcard host]"). `*.route.net:123`
 * loads and routes; `route.*:123` is refused at load with Kong's message, as Kong's hosts typedef refuses it.
 */
import t from 'tap';
import { gateway, startError, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

t.test('a port on a wildcard host lets through only that port', async (t) => {
  const up = await upstream(t, 'svc', (req, res) => res.end(req.url));
  const gw = await gateway(t, '_format_version: "3.0"\n');
  const listen = gw.port;
  await gw.writeConfig(`_format_version: "3.0"
services:
  - name: svc
    url: ${up.url}
    routes:
      - { name: listen-port, hosts: ["*.route.net:${listen}"], strip_path: false, paths: [/listen] }
      - { name: port-123, hosts: ["*.route.net:123"], strip_path: false, paths: [/p123] }
      - { name: any-port, hosts: ["route.*"], strip_path: false, paths: [/any] }
      - { name: plain-port, hosts: ["exact.test:123", "exact.test:${listen}"], strip_path: false, paths: [/exact] }
`);
  t.equal((await gw.reload()).status, 'swapped', 'the config loads');
  const rows: [host: string, path: string, status: number][] = [
    ['foo.route.net', '/listen', 200], // no port in the Host: the listening port
    [`foo.route.net:${listen}`, '/listen', 200],
    ['foo.route.net:123', '/listen', 404],
    ['foo.route.net:123', '/p123', 200], // the Host's port, not the listener's
    ['foo.route.net', '/p123', 404],
    ['foo.route.net:456', '/p123', 404],
    ['foo.route.net:0123', '/p123', 200],
    ['foo.route.net:123x', '/p123', 404], // not a port: no route has that host
    ['a.b.route.net:123', '/p123', 200],
    ['route.net:123', '/p123', 404], // the wildcard needs a label of its own
    ['route.org:123', '/any', 200], // no port on the route: any port
    ['route.org:9', '/any', 200],
    ['exact.test:123', '/exact', 200],
    ['exact.test', '/exact', 200],
    ['exact.test:124', '/exact', 404],
  ];
  for (const [host, path, status] of rows) {
    const res = await request(gw.port, path, { headers: { host } });
    t.equal(res.status, status, `Host ${host} ${path}`);
    if (status === 200) t.equal(res.body, path, `Host ${host} ${path}: proxied`);
  }
});

t.test("a port after a right-hand wildcard is refused at load, as Kong's schema does", async (t) => {
  const yaml = (host: string) => `_format_version: "3.0"\nroutes:\n  - { name: r, hosts: ["${host}"] }\n`;
  t.match(await startError(yaml('route.*:123')), /routes\[0\]\.hosts\[0\]: invalid wildcard: must be placed at leftmost or rightmost label/);
  t.match(await startError(yaml('*.route.net:99999')), /invalid port number/);
  t.equal(await startError(yaml('*.route.net:123')), null, 'a left-hand wildcard with a port loads');
});
