import t from 'tap';
import type { NodeFacts } from '../../src/admin/context.js';
import { buildAdminRoutes } from '../../src/admin/endpoints.js';
import { decodeOffset, encodeOffset, paginate, parsePageQuery, parseTagFilter, matchesTags } from '../../src/admin/paging.js';
import { pathSegments } from '../../src/admin/route-table.js';
import { schemaSource } from '../../src/admin/schema-source.js';
import { handle } from '../../src/admin/server.js';
import { buildViews, childrenOf, findRow, type Row } from '../../src/snapshot/admin-views.js';
import { parseMemoryFormat, formatBytes } from '../../src/admin/status.js';

// Ids chosen so that id order differs from file order.
const id = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const S1 = id(20), S2 = id(10);
const R1 = id(31), R2 = id(30), R3 = id(32);
const C1 = id(40), C2 = id(41);
const P1 = id(50), P2 = id(51), P3 = id(52);
const U1 = id(60);
const T1 = id(71), T2 = id(70), T3 = id(72);
const CERT = id(80), SNI1 = id(81), SNI2 = id(82);
const KA = id(90), BA = id(91), ACL1 = id(92), ACL2 = id(93);
const KS = id(100), K1 = id(101);
const CA = id(110);

const fixture: Record<string, Row[]> = {
  services: [
    { id: S1, name: 'orders', host: 'orders.internal', port: 80, tags: ['team-a', 'prod'], client_certificate: null },
    { id: S2, name: 'billing', host: 'billing.internal', port: 80, tags: ['team-b'], client_certificate: null },
  ],
  routes: [
    { id: R1, name: 'orders-api', service: { id: S1 }, paths: ['/orders'], tags: ['team-a'] },
    { id: R2, name: 'orders-admin', service: { id: S1 }, paths: ['/admin'], tags: ['team-a', 'prod'] },
    { id: R3, name: null, service: null, paths: ['/loose'], tags: null },
  ],
  consumers: [
    { id: C1, username: 'alice', custom_id: 'a-1', tags: null },
    { id: C2, username: null, custom_id: 'b-2', tags: ['prod'] },
  ],
  plugins: [
    { id: P1, name: 'request-termination', instance_name: 'rt', service: { id: S1 }, route: null, consumer: null, consumer_group: null, tags: null },
    { id: P2, name: 'pre-function', instance_name: null, service: null, route: { id: R1 }, consumer: null, consumer_group: null, tags: null },
    { id: P3, name: 'request-termination', instance_name: null, service: null, route: null, consumer: { id: C1 }, consumer_group: null, tags: null },
  ],
  upstreams: [{ id: U1, name: 'pool', tags: null, client_certificate: null }],
  targets: [
    { id: T1, target: '10.0.0.1:80', weight: 100, upstream: { id: U1 }, tags: null },
    { id: T2, target: 'backend.local:8000', weight: 0, upstream: { id: U1 }, tags: null },
    { id: T3, target: '[::1]:8080', weight: 50, upstream: { id: U1 }, tags: null },
  ],
  certificates: [{ id: CERT, cert: 'PEM', key: 'KEY', tags: null }],
  snis: [
    { id: SNI1, name: 'b.example.com', certificate: { id: CERT }, tags: null },
    { id: SNI2, name: 'a.example.com', certificate: { id: CERT }, tags: null },
  ],
  keyauth_credentials: [{ id: KA, key: 'secret-key', consumer: { id: C1 }, tags: null }],
  basicauth_credentials: [{ id: BA, username: 'alice-basic', password: 'hashed', consumer: { id: C1 }, tags: null }],
  acls: [
    { id: ACL1, group: 'admins', consumer: { id: C1 }, tags: null },
    { id: ACL2, group: 'admins', consumer: { id: C2 }, tags: null },
  ],
  ca_certificates: [{ id: CA, cert: 'CA PEM', cert_digest: 'd1', tags: null }],
  key_sets: [{ id: KS, name: 'jwks', tags: null }],
  keys: [{ id: K1, name: 'k1', kid: 'kid-1', set: { id: KS }, tags: null }],
};

const views = buildViews(fixture);
const col = (name: Parameters<typeof views.collections.get>[0]) => views.collections.get(name)!;

t.test('collections are sorted by id (Kong DB-less order)', async (t) => {
  t.same(col('services').rows.map((r) => r.id), [S2, S1]);
  t.same(col('routes').rows.map((r) => r.id), [R2, R1, R3]);
  t.same(col('vaults').rows, []);
});

t.test('lookups by id and endpoint key', async (t) => {
  const cases: [string, string, string | undefined][] = [
    ['services', S1, S1],
    ['services', 'billing', S2],
    ['services', 'nope', undefined],
    ['routes', 'orders-admin', R2],
    ['consumers', 'alice', C1],
    ['consumers', 'a-1', undefined], // custom_id is a query, not a path key
    ['plugins', 'rt', P1],
    ['upstreams', 'pool', U1],
    ['snis', 'a.example.com', SNI2],
    ['keyauth_credentials', 'secret-key', KA],
    ['basicauth_credentials', 'alice-basic', BA],
    ['key_sets', 'jwks', KS],
    ['keys', 'k1', K1],
    ['targets', '10.0.0.1:80', undefined], // not unique: only within an upstream
    ['acls', 'admins', undefined],
  ];
  for (const [name, key, want] of cases) {
    t.equal(findRow(col(name as 'services'), key)?.id, want, `${name}/${key}`);
  }
  t.equal(views.consumersByCustomId.get('b-2')?.id, C2);
});

t.test('lookups scoped to a parent', async (t) => {
  const cases: [string, string, string, string, string | undefined][] = [
    ['routes', 'service', S1, 'orders-api', R1],
    ['routes', 'service', S2, 'orders-api', undefined],
    ['targets', 'upstream', U1, '10.0.0.1:80', T1],
    ['targets', 'upstream', U1, 'backend.local', T2], // default port 8000
    ['targets', 'upstream', U1, T3, T3],
    ['acls', 'consumer', C2, 'admins', ACL2],
    ['acls', 'consumer', C1, ACL2, undefined],
  ];
  for (const [name, field, parent, key, want] of cases) {
    t.equal(findRow(col(name as 'routes'), key, { field, id: parent })?.id, want, `${name} of ${parent}: ${key}`);
  }
});

t.test('child indexes', async (t) => {
  const cases: [string, string, string, string[]][] = [
    ['routes', 'service', S1, [R2, R1]],
    ['plugins', 'service', S1, [P1]],
    ['plugins', 'route', R1, [P2]],
    ['plugins', 'consumer', C1, [P3]],
    ['keyauth_credentials', 'consumer', C1, [KA]],
    ['acls', 'consumer', C1, [ACL1]],
    ['targets', 'upstream', U1, [T2, T1, T3]],
    ['snis', 'certificate', CERT, [SNI1, SNI2]],
    ['keys', 'set', KS, [K1]],
    ['routes', 'service', S2, []],
  ];
  for (const [name, fk, parent, want] of cases) {
    t.same(childrenOf(col(name as 'routes'), fk, parent).map((r) => r.id), want, `${name}.${fk}=${parent}`);
  }
  t.same(col('certificates').rows[0]!['snis'], ['a.example.com', 'b.example.com']);
  t.same(views.pluginsInUse, ['pre-function', 'request-termination']);
});

t.test('tag index', async (t) => {
  t.same(
    views.tagsByName.get('prod')!.map((e) => [e.entity_name, e.entity_id]),
    [['consumers', C2], ['routes', R2], ['services', S1]],
  );
  t.equal(views.tags.length, 7);
});

t.test('offset tokens', async (t) => {
  for (const key of [S1, 'a', 'päth', 'x'.repeat(300)]) {
    const tok = encodeOffset(key);
    t.notMatch(tok, /[=+/]/, 'base64url without padding');
    t.equal(decodeOffset(tok), key);
  }
  for (const bad of ['', '!!', 'a', 'abc$', 'ab=c']) t.equal(decodeOffset(bad), null, `bad: ${JSON.stringify(bad)}`);
});

t.test('paginate walks every row once', async (t) => {
  const ids = Array.from({ length: 7 }, (_, i) => ({ id: id(i) }));
  let offset: string | null = null;
  const seen: string[] = [];
  for (let i = 0; i < 10; i++) {
    const page: ReturnType<typeof paginate<{ id: string }>> = paginate(ids, (r) => r.id, { size: 3, offset });
    if (!page.ok) throw new Error('page failed');
    seen.push(...page.value.data.map((r) => r.id));
    offset = page.value.offset;
    if (offset === null) break;
  }
  t.same(seen, ids.map((r) => r.id));
  const bad = paginate(ids, (r) => r.id, { size: 3, offset: '%%' });
  t.same(!bad.ok && bad.error.body, { code: 7, name: 'invalid offset', message: "'%%' is not a valid offset: bad base64 encoding" });
});

t.test('size and tags query parsing', async (t) => {
  const cases: [string, unknown][] = [
    ['', { size: 100, tags: null }],
    ['size=1000', { size: 1000, tags: null }],
    ['size=abc', { code: 9, name: 'invalid size', message: 'size must be a number' }],
    ['size=', { code: 9, name: 'invalid size', message: 'size must be a number' }],
    ['size=0', { code: 9, name: 'invalid size', message: 'size must be an integer between 1 and 1000' }],
    ['size=1001', { code: 9, name: 'invalid size', message: 'size must be an integer between 1 and 1000' }],
    ['size=2.5', { code: 9, name: 'invalid size', message: 'size must be an integer between 1 and 1000' }],
    ['tags=a,b', { size: 100, tags: { mode: 'and', tags: ['a', 'b'] } }],
    ['tags=a/b', { size: 100, tags: { mode: 'or', tags: ['a', 'b'] } }],
    ['tags=a', { size: 100, tags: { mode: 'and', tags: ['a'] } }],
    ['tags=a,b/c', tagsError('invalid filter syntax')],
    ['tags=', tagsError('cannot be null')],
    ['tags=a,b,c,d,e,f', tagsError('cannot query more than 5 tags')],
  ];
  for (const [qs, want] of cases) {
    const r = parsePageQuery(new URLSearchParams(qs));
    t.same(r.ok ? { size: r.value.size, tags: r.value.tags } : r.error.body, want, qs);
  }
  const and = parseTagFilter('team-a,prod');
  const or = parseTagFilter('team-b/prod');
  if (!and.ok || !or.ok) throw new Error('tag filter');
  t.same(col('services').rows.filter((r) => matchesTags(r['tags'], and.value)).map((r) => r.id), [S1]);
  t.same(col('services').rows.filter((r) => matchesTags(r['tags'], or.value)).map((r) => r.id), [S2, S1]);
});

function tagsError(reason: string) {
  return { code: 11, name: 'invalid options', message: `invalid option (tags: ${reason})`, options: { tags: reason } };
}

t.test('memory units', async (t) => {
  const fmt = (qs: string) => {
    const f = parseMemoryFormat(new URLSearchParams(qs));
    return f.ok ? formatBytes(3 * 2 ** 20, f.value) : f.error.body;
  };
  t.equal(fmt(''), '3.00 MiB');
  t.equal(fmt('unit=k&scale=0'), '3072 KiB');
  t.equal(fmt('unit=B'), 3 * 2 ** 20);
  t.equal(fmt('unit=g&scale=abc'), '0.00 GiB');
  t.same(fmt('unit=x'), { message: "invalid unit 'x' (expected 'k/K', 'm/M', or 'g/G')" });
  t.same(fmt('scale=-1'), { message: 'scale must be equal or greater than 0' });
});

t.test('path segments', async (t) => {
  t.same(pathSegments('/'), []);
  t.same(pathSegments('/services/'), ['services']);
  t.same(pathSegments('/services/a%2Fb'), ['services', 'a/b']);
  t.equal(pathSegments('/services/%zz'), null);
});

// The route table, driven through the same function the HTTP server calls.
const table = buildAdminRoutes();
const explained: unknown[] = [];
const snap = {
  generation: 3,
  hash: 'f'.repeat(32),
  loadedAt: 0,
  file: 'kong.yaml',
  formatVersion: '3.0',
  entities: fixture as never,
  admin: views,
  explain: (req: unknown) => (explained.push(req), { matched: true }),
  upstreamHealth: () => null,
};
const node: NodeFacts = {
  nodeId: 'node-1',
  hostname: 'h',
  version: '0.1.0',
  configuration: { database: 'off' },
  stats: () => ({ total_requests: 1, connections_active: 1, connections_accepted: 1, connections_handled: 1 }),
  lastReloadError: () => null,
  logLevel: () => 'info',
  memory: () => process.memoryUsage(),
  runtime: () => ({ draining: 0, healthCheckers: 0 }),
};
const schemas = schemaSource();
const call = (method: string, url: string) => handle(table, { current: () => snap }, node, schemas, method, url);
const data = (body: unknown) => (body as { data: Row[] }).data.map((r) => r.id);

/** A case whose body is checked through a projection (ids of `data`, one field, …). */
class Via {
  constructor(
    readonly pick: (body: unknown) => unknown,
    readonly expected: unknown,
  ) {}
}
const via = (pick: (body: unknown) => unknown, expected: unknown) => new Via(pick, expected);

t.test('route table', async (t) => {
  const notFound = { message: 'Not found' };
  const notAllowed = { message: 'Method not allowed' };
  const unsupported = (m: string) => ({ code: 12, name: 'operation unsupported', message: m });
  const cases: [string, string, number, unknown][] = [
    ['GET', '/nope', 404, notFound],
    ['GET', '/services//routes', 404, notFound],
    ['GET', '/targets', 404, notFound],
    ['GET', `/targets/${T1}`, 404, notFound],
    ['GET', `/targets/${T1}/upstream`, 404, notFound],
    ['GET', `/snis/${SNI1}/certificate`, 404, notFound],
    ['GET', '/services/%zz', 400, { message: 'invalid URL: malformed path or percent-encoding' }],
    ['GET', '/services', 200, via((b: unknown) => data(b), [S2, S1])],
    ['GET', '/services/', 200, via((b: unknown) => data(b), [S2, S1])],
    ['GET', '/services/orders', 200, via((b: unknown) => (b as Row).id, S1)],
    ['GET', '/services/missing', 404, notFound],
    ['GET', '/services/orders/routes', 200, via((b: unknown) => data(b), [R2, R1])],
    ['GET', '/services/orders/routes/orders-api', 200, via((b: unknown) => (b as Row).id, R1)],
    ['GET', '/services/billing/routes/orders-api', 404, notFound],
    ['GET', '/services/missing/routes', 404, notFound],
    ['GET', '/services/orders/plugins', 200, via((b: unknown) => data(b), [P1])],
    ['GET', `/routes/${R1}/service`, 200, via((b: unknown) => (b as Row).id, S1)],
    ['GET', `/routes/${R3}/service`, 404, notFound],
    ['GET', '/routes/orders-api/plugins', 200, via((b: unknown) => data(b), [P2])],
    ['GET', '/consumers?custom_id=b-2', 200, { data: [fixture['consumers']![1]], next: null }],
    ['GET', '/consumers?custom_id=zzz', 200, { data: [], next: null }],
    ['GET', '/consumers/alice/key-auth', 200, via((b: unknown) => data(b), [KA])],
    ['GET', '/consumers/alice/key-auth/secret-key', 200, via((b: unknown) => (b as Row).id, KA)],
    ['GET', '/consumers/alice/basic-auth', 200, via((b: unknown) => data(b), [BA])],
    ['GET', '/consumers/alice/acls/admins', 200, via((b: unknown) => (b as Row).id, ACL1)],
    ['GET', '/consumers/alice/plugins', 200, via((b: unknown) => data(b), [P3])],
    ['GET', '/key-auths', 200, via((b: unknown) => data(b), [KA])],
    ['GET', `/key-auths/${KA}/consumer`, 200, via((b: unknown) => (b as Row).id, C1)],
    ['GET', '/acls', 200, via((b: unknown) => data(b), [ACL1, ACL2])],
    ['GET', '/plugins/rt', 200, via((b: unknown) => (b as Row).id, P1)],
    ['GET', '/plugins/enabled', 200, via((b: unknown) => Array.isArray((b as { enabled_plugins: unknown }).enabled_plugins), true)],
    ['GET', '/upstreams/pool/targets', 200, via((b: unknown) => data(b), [T2, T1, T3])],
    ['GET', '/upstreams/pool/targets/all', 200, via((b: unknown) => data(b), [T2, T1, T3])],
    ['GET', '/upstreams/pool/targets/10.0.0.1:80', 200, via((b: unknown) => (b as Row).id, T1)],
    ['GET', '/upstreams/pool/targets?size=1', 200, via((b: unknown) => [data(b), (b as { next: unknown }).next], [[T2], '/upstreams/pool/targets?offset=1'])],
    ['GET', '/upstreams/pool/health', 200, via((b: unknown) => (b as { data: Row[] }).data.map((r) => [r.id, r['health']]), [[T1, 'HEALTHCHECKS_OFF'], [T3, 'HEALTHCHECKS_OFF']])],
    ['GET', '/certificates/a.example.com', 200, via((b: unknown) => (b as Row)['snis'], ['a.example.com', 'b.example.com'])],
    ['GET', '/certificates/nope.example.com', 404, { message: 'SNI not found' }],
    ['GET', `/certificates/${CERT}/snis`, 200, via((b: unknown) => data(b), [SNI1, SNI2])],
    // Kong api/routes/certificates.lua: an SNI's name stands for its certificate on every /certificates/{c} path.
    ['GET', '/certificates/a.example.com/snis', 200, via((b: unknown) => data(b), [SNI1, SNI2])],
    ['GET', '/certificates/a.example.com/snis/b.example.com', 200, via((b: unknown) => (b as Row).id, SNI1)],
    ['GET', `/certificates/b.example.com/snis/${SNI2}`, 200, via((b: unknown) => (b as Row).name, 'a.example.com')],
    ['GET', '/certificates/a.example.com/snis/c.example.com', 404, notFound],
    ['GET', '/certificates/nope.example.com/snis', 404, { message: 'SNI not found' }],
    ['GET', '/certificates/nope.example.com/snis/a.example.com', 404, { message: 'SNI not found' }],
    ['GET', `/certificates/${id(999)}`, 404, notFound],
    ['GET', `/certificates/${id(999)}/snis`, 404, notFound],
    ['GET', '/snis/a.example.com', 200, via((b: unknown) => (b as Row).id, SNI2)],
    ['GET', '/snis/nope.example.com', 404, notFound],
    ['PATCH', '/certificates/a.example.com', 405, unsupported("cannot update 'certificates' entities when not using a database")],
    ['PATCH', '/certificates/nope.example.com', 404, { message: 'SNI not found' }],
    ['DELETE', '/certificates/a.example.com', 405, unsupported("cannot remove 'certificates' entities when not using a database")],
    ['DELETE', '/certificates/nope.example.com', 404, { message: 'SNI not found' }],
    ['DELETE', `/certificates/${id(999)}`, 204, undefined],
    ['PUT', '/certificates/nope.example.com', 405, unsupported("cannot create or update 'certificates' entities when not using a database")],
    ['POST', '/certificates/a.example.com/snis', 405, unsupported("cannot create 'snis' entities when not using a database")],
    ['POST', '/certificates/nope.example.com/snis', 404, { message: 'SNI not found' }],
    ['DELETE', '/certificates/a.example.com/snis/b.example.com', 405, unsupported("cannot remove 'snis' entities when not using a database")],
    // Konnect's spelling of /ca_certificates.
    ['GET', '/ca-certificates', 200, via((b: unknown) => data(b), [CA])],
    ['GET', '/ca_certificates', 200, via((b: unknown) => data(b), [CA])],
    ['GET', `/ca-certificates/${CA}`, 200, via((b: unknown) => (b as Row)['cert_digest'], 'd1')],
    ['GET', `/ca-certificates/${id(999)}`, 404, notFound],
    ['GET', '/ca-certificates?size=1', 200, via((b: unknown) => (b as { next: unknown }).next, null)],
    ['POST', '/ca-certificates', 405, unsupported("cannot create 'ca_certificates' entities when not using a database")],
    ['GET', '/key-sets/jwks/keys', 200, via((b: unknown) => data(b), [K1])],
    ['GET', '/keys/k1/set', 200, via((b: unknown) => (b as Row).id, KS)],
    ['GET', '/services?size=1', 200, via((b: unknown) => b, { data: [fixture['services']![1]], offset: encodeOffset(S2), next: `/services?offset=${encodeOffset(S2)}&size=1` })],
    ['GET', '/services?size=1&tags=team-a/team-b', 200, via((b: unknown) => (b as { next: unknown }).next, `/services?offset=${encodeOffset(S2)}&tags=team-a%2Fteam-b&size=1`)],
    ['GET', '/services?tags=prod', 200, via((b: unknown) => data(b), [S1])],
    ['GET', '/services?tags=a,b/c', 400, tagsError('invalid filter syntax')],
    ['GET', '/services?size=x', 400, { code: 9, name: 'invalid size', message: 'size must be a number' }],
    ['GET', '/tags/prod', 200, via((b: unknown) => (b as { data: unknown[] }).data.length, 3)],
    ['GET', '/schemas/services', 200, via((b: unknown) => Object.keys((b as { fields: object[] }).fields[0]!), ['id'])],
    ['GET', '/schemas/json/services', 200, via((b: unknown) => (b as { title: string }).title, 'service')],
    ['GET', '/schemas/json/plugins/cors', 200, via((b: unknown) => (b as { title: string }).title, 'cors plugin config')],
    ['GET', '/schemas/json', 200, via((b: unknown) => typeof (b as { properties: object }).properties, 'object')],
    ['GET', '/schemas/json/nope', 404, { message: "No entity named 'nope'" }],
    ['GET', '/schemas/json/plugins/nope', 404, { message: "No plugin named 'nope'" }],
    ['GET', '/schemas/nope', 404, { message: "No entity named 'nope'" }],
    ['GET', '/schemas/plugins/request-termination', 200, via((b: unknown) => typeof b, 'object')],
    ['GET', '/schemas/plugins/../service', 404, notFound],
    ['GET', '/schemas/plugins/nope', 404, { message: "No plugin named 'nope'" }],
    ['GET', '/debug/node/log-level', 200, { message: 'log level: info' }],
    ['GET', '/status?unit=x', 400, { message: "invalid unit 'x' (expected 'k/K', 'm/M', or 'g/G')" }],
    ['GET', '/status', 200, via((b: unknown) => [(b as { configuration_hash: string }).configuration_hash, (b as { sluice: { generation: number } }).sluice.generation], ['f'.repeat(32), 3])],
    ['GET', '/', 200, via((b: unknown) => (b as { plugins: { enabled_in_cluster: string[] } }).plugins.enabled_in_cluster, ['pre-function', 'request-termination'])],
    ['GET', '/sluice/explain?scheme=ftp', 400, { message: "invalid scheme 'ftp' (expected 'http' or 'https')" }],
    ['GET', '/sluice/explain?path=/orders&header=X-A:1&host=a.com', 200, { matched: true }],
    ['POST', '/services', 405, unsupported("cannot create 'services' entities when not using a database")],
    ['POST', '/services/orders/routes', 405, unsupported("cannot create 'routes' entities when not using a database")],
    ['POST', '/services/missing/routes', 404, notFound],
    ['POST', '/services/orders', 405, notAllowed],
    ['PUT', '/services', 405, notAllowed],
    ['DELETE', '/services', 405, notAllowed],
    ['PUT', `/services/${S1}`, 405, unsupported("cannot create or update 'services' entities when not using a database")],
    ['PUT', '/services/orders', 405, unsupported("cannot create or update 'services' entities by 'name' when not using a database")],
    ['PATCH', '/services/orders', 405, unsupported("cannot update 'services' entities when not using a database")],
    ['PATCH', '/services/gone', 404, { code: 6, name: 'not found', message: "could not find the entity with 'name'='gone'", fields: { name: 'gone' } }],
    ['DELETE', '/services/orders', 405, unsupported("cannot remove 'services' entities when not using a database")],
    ['DELETE', '/services/gone', 204, undefined],
    ['DELETE', '/consumers/alice/key-auth/secret-key', 405, unsupported("cannot remove 'keyauth_credentials' entities when not using a database")],
    ['POST', '/config', 405, unsupported('cannot reload configuration through the Admin API; edit the declarative config file (sluice watches it)')],
    ['PUT', '/status', 405, notAllowed],
    ['TRACE', '/services', 405, notAllowed],
  ];
  for (const [method, url, status, want] of cases) {
    const res = call(method, url);
    t.equal(res.status, status, `${method} ${url} status`);
    if (want instanceof Via) t.same(want.pick(res.body), want.expected, `${method} ${url} body`);
    else t.same(res.body, want, `${method} ${url} body`);
  }
});

t.test('OPTIONS lists the methods', async (t) => {
  t.same(call('OPTIONS', '/services').headers, { allow: 'GET, HEAD, OPTIONS, POST' });
  t.same(call('OPTIONS', '/services/orders').headers, { allow: 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT' });
  t.same(call('OPTIONS', '/status').headers, { allow: 'GET, HEAD, OPTIONS' });
  t.equal(call('OPTIONS', '/nope').status, 404);
});

t.test('pagination through the table follows next links', async (t) => {
  const seen: string[] = [];
  let url: string | null = '/routes?size=1';
  for (let i = 0; i < 10 && url; i++) {
    const body = call('GET', url).body as { data: Row[]; next: string | null };
    seen.push(...body.data.map((r) => r.id));
    url = body.next;
  }
  t.same(seen, [R2, R1, R3]);
  const bad = call('GET', '/routes?offset=@@').body;
  t.same(bad, { code: 7, name: 'invalid offset', message: "'@@' is not a valid offset: bad base64 encoding" });
});

t.test('/endpoints and /config', async (t) => {
  const list = (call('GET', '/endpoints').body as { data: string[] }).data;
  t.same(list, [...list].sort());
  for (const p of ['/', '/services/{services}/routes', '/consumers/{consumers}/key-auth/{keyauth_credentials}', '/upstreams/{upstreams}/health', '/key-sets/{key_sets}/keys']) {
    t.ok(list.includes(p), p);
  }
  t.notOk(list.includes('/targets'));
  const yaml = (call('GET', '/config').body as { config: string }).config;
  t.match(yaml, /^# secrets redacted[^\n]*\n_format_version: "3.0"\n_transform: false\n/, 'the fixture has a certificate key');
  t.match(yaml, `service: ${S1}`);
  t.notMatch(yaml, /&a1|\*a1/, 'no YAML aliases');
  t.notMatch(yaml, /: null/, 'nulls dropped');
});

t.test('explain receives the parsed request', async (t) => {
  explained.length = 0;
  call('GET', '/sluice/explain?method=post&path=/orders&header=X-A:1&header=x-a:2&scheme=https&host=a.com:8443');
  t.same(JSON.parse(JSON.stringify(explained[0])), {
    method: 'POST', host: 'a.com:8443', path: '/orders', headers: { 'x-a': '1, 2' }, scheme: 'https', sni: 'a.com',
  });
});
