/**
 * A plugin's `protocols` (Kong 3.x): the plugin schema's protocols typedef says which values it takes
 * (key-auth: typedefs.protocols_http; ip-restriction: any, defaulting to http, https, tcp, tls, grpc, grpcs),
 * and an instance runs in the http subsystem only when one of its protocols belongs to it
 * (kong/runloop/plugins_iterator.lua should_process_plugin).
 */
import t from 'tap';
import { loadConfigText } from '../../src/config/load.js';
import { gatewayWithService, startError } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

const load = (plugins: string) =>
  loadConfigText(`_format_version: "3.0"\nservices: [{ name: s, url: "http://127.0.0.1:9", routes: [{ name: r, paths: [/] }] }]\nplugins:\n${plugins}\n`, 'kong.yaml');

t.test('protocols outside the plugin\'s set are refused at the entry', async (t) => {
  const cases: [string, string, RegExp | null][] = [
    ['key-auth on tcp', '  - { name: key-auth, protocols: [tcp] }', /plugins\[0\]\.protocols\[0\]|protocols.*expected one of: grpc, grpcs, http, https/],
    ['key-auth on http, https', '  - { name: key-auth, protocols: [http, https] }', null],
    ['ip-restriction on udp (Kong: typedefs.protocols)', '  - { name: ip-restriction, protocols: [udp], config: { deny: [10.0.0.1] } }', null],
    ['cors on tls', '  - { name: cors, protocols: [tls] }', /expected one of/],
  ];
  for (const [name, yaml, err] of cases) {
    const r = await load(yaml);
    if (err === null) t.ok(r.ok, `${name}: loads`);
    else t.match(JSON.stringify(r.ok ? [] : r.errors), err, `${name}: refused`);
  }
});

t.test("ip-restriction's own default includes tcp and tls", async (t) => {
  const r = await load('  - { name: ip-restriction, config: { deny: [10.0.0.1] } }\n  - { name: key-auth }');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const [ip, key] = [...r.config.entities.plugins].sort((a, b) => a.name.localeCompare(b.name));
  t.same(ip!.protocols, ['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs']);
  t.same(key!.protocols, ['grpc', 'grpcs', 'http', 'https']);
});

t.test('an instance with only stream protocols never runs on HTTP requests; one with http does', async (t) => {
  const { gw } = await gatewayWithService(t, `
    - name: stream-only
      paths: [/stream-only]
      plugins: [{ name: ip-restriction, protocols: [tcp, tls], config: { deny: [0.0.0.0/0, "::/0"] } }]
    - name: http-too
      paths: [/http-too]
      plugins: [{ name: ip-restriction, protocols: [tcp, http], config: { deny: [0.0.0.0/0, "::/0"] } }]
  `);
  t.equal((await request(gw.port, '/stream-only')).status, 200, 'not in the http subsystem: skipped');
  t.equal((await request(gw.port, '/http-too')).status, 403, 'an http protocol among them: runs');
  t.equal(await startError('_format_version: "3.0"\nplugins: [{ name: key-auth, protocols: [udp] }]\n') !== null, true, 'a refused protocol stops the start');
});
