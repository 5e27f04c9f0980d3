/**
 * `POST /schemas/{entity}/validate` and `/schemas/plugins/validate`, which Kong answers in DB-less mode too
 * (spec/02-integration/04-admin_api/02-kong_routes_spec.lua runs them with strategy "off"): 200 "schema
 * validation successful", or 400 with Kong's schema-violation body. Over a real gateway, real HTTP bodies.
 */
import t from 'tap';
import { schemaViolation } from '../../src/admin/validate-entity.js';
import { gateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

const OK = { message: 'schema validation successful' };
const violation = (message: string, fields: Record<string, unknown>) => ({ code: 2, name: 'schema violation', message, fields });
const UUID = '3f1c2a9e-6d0b-4b8e-9c1a-2b7d4e5f6a70';

t.test('over a real gateway', async (t) => {
  const gw = await gateway(t, '_format_version: "3.0"\n');
  const post = (path: string, body?: unknown, type = 'application/json') =>
    request(gw.adminPort, path, {
      method: 'POST',
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } }),
    });

  const cases: [string, string, unknown, number, unknown][] = [
    ['a valid service', '/schemas/services/validate', { host: 'example.com' }, 200, OK],
    ['a service without host', '/schemas/services/validate', {}, 400, violation('schema violation (host: required field missing)', { host: 'required field missing' })],
    ['two problems', '/schemas/services/validate', { host: 'example.com', port: 99999, retries: -1 }, 400, {
      code: 2, name: 'schema violation', message: /^2 schema violations \(port: .+; retries: .+\)$/, fields: { port: String, retries: String },
    }],
    ['an unknown field', '/schemas/services/validate', { host: 'example.com', nope: 1 }, 400, violation('schema violation (nope: unknown field)', { nope: 'unknown field' })],
    ['a list entry (Kong counts from 1)', '/schemas/routes/validate', { paths: ['/ok', 7] }, 400, { message: /^schema violation \(paths\.2: .+\)$/, fields: { paths: [null, String] } }],
    ['references are not looked up', '/schemas/routes/validate', { paths: ['/x'], service: { id: UUID } }, 200, OK],
    ['a required parent', '/schemas/targets/validate', { target: '10.0.0.1:80' }, 400, violation('schema violation (upstream: required field missing)', { upstream: 'required field missing' })],
    ['a valid plugin', '/schemas/plugins/validate', { name: 'key-auth', config: { key_names: ['foo', 'bar'], hide_credentials: true } }, 200, OK],
    ['a plugin config problem', '/schemas/plugins/validate', { name: 'key-auth', config: { keys: 'foo' } }, 400, violation('schema violation (config.keys: unknown field)', { config: { keys: 'unknown field' } })],
    ['an unknown plugin', '/schemas/plugins/validate', { name: 'nope' }, 400, { name: 'schema violation', fields: { name: /not enabled/ } }],
    ['a plugin checked by its own check', '/schemas/plugins/validate', { name: 'rate-limiting', config: {} }, 400, { name: 'schema violation', fields: { config: /at least one of/ } }],
    ['no body: an empty record', '/schemas/vaults/validate', undefined, 400, { name: 'schema violation', fields: { name: 'required field missing' } }],
    ['an unknown entity', '/schemas/nope/validate', {}, 404, { message: "No entity named 'nope'" }],
    ['not JSON', '/schemas/services/validate', '{"host":', 400, { message: 'Cannot parse JSON body' }],
    ['not a record', '/schemas/services/validate', '[1]', 400, { message: 'Cannot parse JSON body' }],
  ];
  for (const [name, path, body, status, want] of cases) {
    const res = await post(path, body);
    t.equal(res.status, status, `${name}: status`);
    t.match(res.json(), want, `${name}: body`);
    const keys = status === 200 ? ['message'] : 'code' in res.json() ? ['code', 'fields', 'message', 'name'] : ['message'];
    t.same(Object.keys(res.json()).sort(), keys, `${name}: Kong's keys`);
  }

  t.equal((await post('/schemas/services/validate', 'host=x', 'text/plain')).status, 415, 'other media types: 415');
  t.match((await post('/schemas/services/validate', 'host=x', 'application/x-www-form-urlencoded')).json(), { message: /application\/json/ }, 'form bodies: 415 that says why');
  t.equal((await post('/schemas/services/validate', { host: 'x'.repeat(2 << 20) })).status, 413, 'more than 1 MiB: 413');
  t.same((await request(gw.adminPort, '/schemas/services/validate')).json(), { message: 'Method not allowed' }, 'GET: 405');
  t.equal((await request(gw.adminPort, '/services')).json<{ data: unknown[] }>().data.length, 0, 'validating creates nothing');
});

t.test("Kong's schema-violation body", async (t) => {
  const cases: [string, { path: (string | number)[]; message: string }[], unknown][] = [
    ['one field', [{ path: ['host'], message: 'm' }], violation('schema violation (host: m)', { host: 'm' })],
    ['the record itself', [{ path: [], message: 'e' }], violation('schema violation (e)', { '@entity': ['e'] })],
    ['sorted, entity checks first', [{ path: ['b'], message: 'y' }, { path: ['a'], message: 'x' }, { path: [], message: 'e' }], violation('3 schema violations (e; a: x; b: y)', { b: 'y', a: 'x', '@entity': ['e'] })],
    ['nested', [{ path: ['config', 'keys'], message: 'unknown field' }], violation('schema violation (config.keys: unknown field)', { config: { keys: 'unknown field' } })],
    ['deeper is shown as JSON', [{ path: ['config', 'redis', 'port'], message: 'm' }], violation('schema violation (config.redis: {"port":"m"})', { config: { redis: { port: 'm' } } })],
    ['arrays from 1', [{ path: ['snis', 0], message: 'must not be an IP' }], violation('schema violation (snis.1: must not be an IP)', { snis: ['must not be an IP'] })],
    ['one message per field', [{ path: ['a'], message: 'first' }, { path: ['a'], message: 'second' }], violation('schema violation (a: first)', { a: 'first' })],
  ];
  for (const [name, problems, want] of cases) t.same(schemaViolation(problems).body, want, name);
});
