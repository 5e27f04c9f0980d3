/**
 * Files in the shapes Kong users have (exports with nulls, db_export's parameters, url beside protocol, nested
 * records naming their parent, decK metadata, serverless errors) load as Kong loads them. Each case cites the
 * Kong spec or schema it matches.
 */
import t, { type Test } from 'tap';
import { loadConfigText } from '../../src/config/load.js';
import type { ConfigError } from '../../src/config/types.js';
import type { Entities } from '../../src/schema/index.js';

const NOW = Date.UTC(2026, 0, 1);
const load = (yaml: string) => loadConfigText(`_format_version: "3.0"\n${yaml}`, 'kong.yaml', { now: NOW, env: {} });

interface OkCase {
  readonly name: string;
  readonly yaml: string;
  /** Checked against the loaded entities with t.match. */
  readonly want: (e: Entities) => unknown;
  readonly expect: unknown;
}

interface ErrorCase {
  readonly name: string;
  readonly yaml: string;
  readonly want: Omit<Partial<ConfigError>, 'message' | 'hint'> & { message: string | RegExp; hint?: string | RegExp };
}

function runOk(t: Test, cases: readonly OkCase[]): void {
  for (const c of cases) {
    const r = load(c.yaml);
    t.ok(r.ok, c.name, r.ok ? {} : { errors: r.errors });
    if (r.ok) t.match(c.want(r.config.entities), c.expect, c.name);
  }
}

function runErrors(t: Test, cases: readonly ErrorCase[]): void {
  for (const c of cases) {
    const r = load(c.yaml);
    t.notOk(r.ok, c.name);
    if (!r.ok) t.match(r.errors, [c.want], c.name);
  }
}

t.test('explicit nulls on optional fields mean unset, at every level', async (t) => {
  runOk(t, [
    // 01-validate_spec.lua / 03-flatten_spec.lua "accepts an empty list": a collection key with no value.
    { name: 'top-level collections with no value', yaml: 'plugins:\nservices: ~\nconsumers: null\n', want: (e) => [e.plugins.length, e.services.length], expect: [0, 0] },
    // 11-config_spec.lua db_import fixtures: every unset field written as ~ (db_export output).
    {
      name: 'service fields as db_export writes them',
      yaml: 'services:\n  - name: s\n    host: h\n    path: ~\n    tags: ~\n    tls_verify: null\n    tls_verify_depth: null\n    client_certificate: ~\n    ca_certificates: ~\n    retries: ~\n    read_timeout: ~\n    url: ~\n',
      want: (e) => e.services[0],
      expect: { host: 'h', path: null, tags: null, tls_verify: null, tls_verify_depth: null, client_certificate: null, retries: 5, read_timeout: 60000, protocol: 'http', port: 80 },
    },
    // routes.lua: regex_priority default 0, path_handling default v0; hosts/methods/name unset; service null = none.
    {
      name: 'route fields',
      yaml: 'routes:\n  - name: null\n    paths: [/a]\n    hosts: null\n    methods: ~\n    headers: ~\n    regex_priority: null\n    path_handling: ~\n    service: null\n    snis: ~\n    sources: ~\n',
      want: (e) => e.routes[0],
      expect: { name: null, hosts: null, methods: null, headers: null, regex_priority: 0, path_handling: 'v0', service: null, snis: null, sources: null },
    },
    // Kong reads null through to records nested in an entity (upstreams.lua healthchecks, defaulted records).
    {
      name: 'nested records of an entity',
      yaml: 'upstreams:\n  - name: up\n    hash_on_header: ~\n    healthchecks:\n      active:\n        https_sni: ~\n        healthy: ~\n        http_path: ~\n      passive: ~\n      threshold: ~\n',
      want: (e) => e.upstreams[0]!.healthchecks,
      expect: { threshold: 0, active: { http_path: '/', healthy: { interval: 0, http_statuses: [200, 302] } }, passive: { type: 'http', unhealthy: { http_statuses: [429, 500, 503] } } },
    },
    {
      name: 'nested children lists with no value',
      yaml: 'consumers:\n  - username: u\n    keyauth_credentials: ~\n    plugins: null\nservices:\n  - host: h\n    routes:\n    plugins: ~\n',
      want: (e) => [e.consumers.length, e.keyauth_credentials.length, e.routes.length],
      expect: [1, 0, 0],
    },
    // A plugin config is a record with defaults (kong/db/schema/entities/plugins.lua): null fields take them.
    {
      name: 'plugin config fields',
      yaml: 'plugins:\n  - name: key-auth\n    config:\n      key_names: ~\n      hide_credentials: null\n      anonymous: ~\n    consumer: ~\n    route: ~\n    service: ~\n    instance_name: ~\n    protocols: ~\n    enabled: ~\n    tags: ~\n',
      want: (e) => e.plugins[0],
      expect: { config: { key_names: ['apikey'], hide_credentials: false, anonymous: null }, consumer: null, instance_name: null, protocols: ['grpc', 'grpcs', 'http', 'https'], enabled: true },
    },
    { name: 'a plugin config of null', yaml: 'plugins:\n  - name: correlation-id\n    config: ~\n', want: (e) => e.plugins[0]!.config, expect: { header_name: 'Kong-Request-ID' } },
    // 01-validate_spec.lua "accepts vaults": `tags: ~` on a vault.
    { name: 'vault tags', yaml: 'vaults:\n  - prefix: aba\n    name: env\n    description: ~\n    tags: ~\n    config:\n      prefix: ~\n', want: (e) => e.vaults[0], expect: { tags: null, description: null } },
    {
      name: 'credentials and consumers',
      yaml: 'consumers:\n  - username: u\n    custom_id: ~\n    tags: ~\n    groups: ~\n    keyauth_credentials:\n      - key: k\n        ttl: ~\n        tags: ~\n    jwt_secrets:\n      - key: iss\n        secret: ~\n        rsa_public_key: ~\n        algorithm: ~\n',
      want: (e) => [e.consumers[0]!.custom_id, e.keyauth_credentials[0]!.ttl, e.jwt_secrets[0]!.algorithm, typeof e.jwt_secrets[0]!.secret],
      expect: [null, null, 'HS256', 'string'],
    },
    {
      name: 'records in lists',
      yaml: 'routes:\n  - protocols: [tcp]\n    sources: [{ ip: 10.0.0.1, port: ~ }]\nconsumer_groups:\n  - name: g\n    consumers: [{ username: u, id: ~ }]\nconsumers:\n  - username: u\n',
      want: (e) => [e.routes[0]!.sources, e.consumer_group_members.length],
      expect: [[{ ip: '10.0.0.1' }], 1],
    },
    { name: 'file metadata', yaml: '_transform: ~\n_comment: ~\n_workspace: ~\n_info: ~\n_konnect: ~\n_ignore: ~\nparameters: ~\n', want: (e) => e.services.length, expect: 0 },
    // Kong takes `created_at: ~` as unset and stamps the insert (schema/init.lua process_auto_fields).
    { name: 'timestamps', yaml: 'services:\n  - host: h\n    created_at: ~\n    updated_at: ~\n', want: (e) => e.services[0], expect: { created_at: NOW / 1000, updated_at: NOW / 1000 } },
  ]);
  // Kong: a null is unset only where a value may be missing; "required field missing" otherwise (schema/init.lua validate_field).
  runErrors(t, [
    { name: 'service host', yaml: 'services:\n  - name: s\n    host: ~\n', want: { path: 'services[0].host', message: 'required field missing', line: 4, column: 11 } },
    { name: 'plugin name', yaml: 'plugins:\n  - name: ~\n', want: { path: 'plugins[0].name', message: 'required field missing', line: 3, column: 11 } },
    { name: 'target', yaml: 'upstreams:\n  - name: up\n    targets:\n      - target: null\n', want: { path: 'upstreams[0].targets[0].target', message: 'required field missing' } },
    { name: 'basic-auth password', yaml: 'consumers:\n  - username: u\n    basicauth_credentials:\n      - username: b\n        password: ~\n', want: { path: 'consumers[0].basicauth_credentials[0].password', message: 'required field missing', hint: /no default/ } },
    { name: 'a parameter value', yaml: 'parameters:\n  - key: cluster_id\n    value: ~\n', want: { path: 'parameters[0].value', message: 'required field missing' } },
    { name: 'a required reference', yaml: 'keyauth_credentials:\n  - key: k\n    consumer: ~\n', want: { path: 'keyauth_credentials[0].consumer', message: 'required field missing' } },
    // A null list element is a value, not an unset field (Kong: "expected a string").
    { name: 'a null in a list', yaml: 'routes:\n  - paths: [~]\n', want: { path: 'routes[0].paths[0]', message: 'expected a string' } },
    { name: 'a null record', yaml: 'services:\n  - ~\n', want: { path: 'services[0]', message: 'expected a record' } },
    { name: 'a null in a plugin config list', yaml: 'plugins:\n  - name: key-auth\n    config:\n      key_names: [~]\n', want: { path: 'plugins[0].config.key_names[0]', message: 'expected a string' } },
    { name: 'an enum still lists its values only', yaml: 'routes:\n  - paths: [/a]\n    path_handling: v9\n', want: { path: 'routes[0].path_handling', message: 'expected one of: v0, v1' } },
  ]);
  const fv = loadConfigText('_format_version: ~\n', 'kong.yaml', { env: {} });
  t.match(fv, { ok: false, errors: [{ message: '_format_version: required field missing' }] }, '_format_version: ~');
});

t.test('parameters from kong config db_export are accepted and not served', async (t) => {
  // kong/db/schema/entities/parameters.lua: key (primary key) and value, both required; created_at auto.
  const r = load('parameters:\n  - created_at: ~\n    key: cluster_id\n    value: 36ad7d46-b95c-44f6-a79e-edb1f33baaf7\n  - key: other\n    value: x\n    created_at: 1618602527\n');
  t.ok(r.ok, 'db_export parameters load');
  if (r.ok) t.notOk('parameters' in r.config.entities, 'nothing is served from them');
  runErrors(t, [
    { name: 'a key twice', yaml: 'parameters:\n  - key: cluster_id\n    value: a\n  - key: cluster_id\n    value: b\n', want: { path: 'parameters[1].key', message: "uniqueness violation: 'parameters' entity with primary key set to 'cluster_id' already declared", line: 5, column: 10 } },
    { name: 'no key', yaml: 'parameters:\n  - value: a\n', want: { path: 'parameters[0].key', message: 'required field missing' } },
    { name: 'an unknown field', yaml: 'parameters:\n  - key: k\n    value: v\n    ws_id: x\n', want: { path: 'parameters[0].ws_id', message: 'unknown field' } },
  ]);
});

t.test('the url shorthand wins over protocol, host, port and path beside it', async (t) => {
  // kong/db/schema/entities/services.lua shorthand_fields.url and schema/init.lua process_auto_fields: a
  // shorthand that is not deprecated overrides the fields it expands to. Supabase's kong.yml: url + protocol ws.
  const svc = (fields: string) => `services:\n  - name: s\n${fields}`;
  runOk(t, [
    { name: 'url http beside protocol ws (Supabase)', yaml: svc('    url: http://realtime:4000/socket\n    protocol: ws\n'), want: (e) => e.services[0], expect: { protocol: 'http', host: 'realtime', port: 4000, path: '/socket' } },
    { name: 'url beside every field', yaml: svc('    url: https://a.example:8443/v1\n    protocol: http\n    host: b.example\n    port: 81\n    path: /other\n'), want: (e) => e.services[0], expect: { protocol: 'https', host: 'a.example', port: 8443, path: '/v1' } },
    { name: 'url without a path clears path', yaml: svc('    url: http://a.example\n    path: /other\n'), want: (e) => e.services[0], expect: { path: null, port: 80 } },
    { name: 'url without a port: the scheme\'s', yaml: svc('    url: wss://a.example\n    port: 81\n    protocol: http\n'), want: (e) => e.services[0], expect: { protocol: 'wss', port: 443 } },
    { name: 'a null url is unset', yaml: svc('    url: ~\n    host: b.example\n    protocol: https\n'), want: (e) => e.services[0], expect: { protocol: 'https', host: 'b.example', port: 80 } },
    // With the url's http, the default http/https route pairs with the service (no ws route/service mismatch).
    { name: 'routes of such a service', yaml: svc('    url: http://realtime:4000/socket\n    protocol: ws\n    routes:\n      - paths: [/realtime/v1/]\n'), want: (e) => e.routes[0]!.protocols, expect: ['http', 'https'] },
  ]);
  runErrors(t, [
    { name: 'a url that does not parse', yaml: svc('    url: "realtime:4000"\n    protocol: ws\n'), want: { path: 'services[0].url', message: "invalid url: 'realtime:4000'" } },
    { name: 'a url with a port out of range', yaml: svc('    url: http://a:70000\n'), want: { path: 'services[0].url', message: 'value should be between 0 and 65535' } },
    { name: 'a protocol beside no url is checked', yaml: svc('    host: a\n    protocol: ftp\n'), want: { path: 'services[0].protocol', message: /^expected one of: grpc/ } },
  ]);
});

t.test('a nested record may name its own parent', async (t) => {
  const CID = '0fe87b4a-ce29-515a-88ec-8547e66550b9';
  runOk(t, [
    // 03-flatten_spec.lua basicauth_credentials "accepts as a nested entity by username" / "by id".
    {
      name: 'a credential naming its consumer by username',
      yaml: 'consumers:\n  - username: consumer\n    basicauth_credentials:\n      - username: b\n        password: p\n        consumer: consumer\n    keyauth_credentials:\n      - key: k\n        consumer: consumer\n',
      want: (e) => [e.basicauth_credentials[0]!.consumer, e.keyauth_credentials[0]!.consumer],
      expect: [{ id: String }, { id: String }],
    },
    {
      name: 'a credential naming its consumer by id',
      yaml: `consumers:\n  - id: ${CID}\n    username: consumer\n    acls:\n      - group: g\n        consumer: ${CID}\n    hmacauth_credentials:\n      - username: h\n        consumer: { id: ${CID} }\n`,
      want: (e) => [e.acls[0]!.consumer, e.hmacauth_credentials[0]!.consumer],
      expect: [{ id: CID }, { id: CID }],
    },
    {
      name: 'plugins naming their route, service and consumer',
      yaml: 'services:\n  - name: svc\n    host: h\n    plugins:\n      - name: key-auth\n        service: svc\n    routes:\n      - name: r\n        paths: [/]\n        service: svc\n        plugins:\n          - name: cors\n            route: r\nconsumers:\n  - username: u\n    plugins:\n      - name: request-termination\n        consumer: u\n',
      want: (e) => e.plugins.map((p) => [p.name, p.service !== null, p.route !== null, p.consumer !== null]).sort(),
      expect: [['cors', false, true, false], ['key-auth', true, false, false], ['request-termination', false, false, true]],
    },
    // Kong's flatten validates nested records with their foreign keys (the second pass with include_foreign):
    // a plugin nested under a service may also be scoped to a consumer.
    {
      name: 'a nested plugin with a further scope',
      yaml: 'consumers:\n  - username: u\nservices:\n  - name: svc\n    host: h\n    plugins:\n      - name: request-termination\n        consumer: u\n',
      want: (e) => [e.plugins[0]!.service?.id === e.services[0]!.id, e.plugins[0]!.consumer?.id === e.consumers[0]!.id],
      expect: [true, true],
    },
  ]);
  // The id Kong derives for a nested record comes from the record as written (declarative_config.lua
  // generate_ids runs before the parent key is filled in): a named parent is part of an acl's cache key.
  const named = load('consumers:\n  - username: alice\n    acls:\n      - group: g\n        consumer: alice\n');
  const unnamed = load('consumers:\n  - username: alice\n    acls:\n      - group: g\n');
  t.ok(named.ok && unnamed.ok);
  if (named.ok && unnamed.ok) t.not(named.config.entities.acls[0]!.id, unnamed.config.entities.acls[0]!.id, 'cache-key ids follow what was written');
  runErrors(t, [
    // 03-flatten_spec.lua "fails as a nested entity by incorrect username / id": value must be null.
    { name: 'an unknown consumer', yaml: 'consumers:\n  - username: consumer\n    basicauth_credentials:\n      - username: b\n        password: p\n        consumer: incorrect\n', want: { path: 'consumers[0].basicauth_credentials[0].consumer', message: 'value must be null', line: 7, column: 19 } },
    { name: 'an id that is not the parent\'s', yaml: `consumers:\n  - id: ${CID}\n    username: consumer\n    basicauth_credentials:\n      - username: b\n        password: p\n        consumer: 00000000-0000-0000-0000-000000000000\n`, want: { path: 'consumers[0].basicauth_credentials[0].consumer', message: 'value must be null' } },
    { name: 'another consumer that exists', yaml: 'consumers:\n  - username: a\n    keyauth_credentials:\n      - key: k\n        consumer: b\n  - username: b\n', want: { path: 'consumers[0].keyauth_credentials[0].consumer', message: 'value must be null', hint: "'b' is not the consumer this record is nested under ('a'); remove consumer, or move the record to the top level" } },
    { name: 'a plugin naming another route', yaml: 'routes:\n  - name: r1\n    paths: [/a]\n    plugins:\n      - name: cors\n        route: r2\n  - name: r2\n    paths: [/b]\n', want: { path: 'routes[0].plugins[0].route', message: 'value must be null' } },
    // 03-flatten_spec.lua "fixes #7696": a nested route naming a service id that is not its parent's.
    { name: 'a route naming another service by { id }', yaml: 'services:\n  - name: my-service-1\n    host: h\n    routes:\n      - name: my-route-1\n        service: { id: "769bdf51-16df-5476-9830-ef26800b5448" }\n        paths: [/status]\n', want: { path: 'services[0].routes[0].service', message: 'value must be null' } },
  ]);
});

t.test('decK and Konnect metadata is accepted (a deliberate difference: Kong refuses it)', async (t) => {
  runOk(t, [
    {
      name: 'decK dump header',
      yaml: '_workspace: default\n_info:\n  select_tags: [team-a]\n  defaults:\n    service: { read_timeout: 30000 }\n_konnect:\n  control_plane_name: prod\n  runtime_group_name: prod\n_ignore: [anything]\n_comment: exported\nservices:\n  - host: h\n',
      want: (e) => e.services.length,
      expect: 1,
    },
    { name: 'entity-level _comment and _ignore', yaml: 'services:\n  - host: h\n    _comment: c\n    _ignore: [x]\n    routes:\n      - paths: [/]\n        _comment: r\n', want: (e) => [e.services.length, e.routes.length], expect: [1, 1] },
  ]);
  runErrors(t, [
    { name: '_konnect that is not a record', yaml: '_konnect: prod\n', want: { path: '_konnect', message: 'expected a record', line: 2, column: 11 } },
    { name: '_workspace that is not a string', yaml: '_workspace: [a]\n', want: { path: '_workspace', message: 'expected a string' } },
    { name: 'other underscore keys stay unknown', yaml: '_deck: x\n', want: { path: '_deck', message: 'unknown field' } },
  ]);
});

t.test('a serverless syntax error points at its own list item, with one dotted path', async (t) => {
  // Kong's pre-function schema validates each source of a phase list (elements with a custom validator), so the
  // error sits at config.access[i]; the position is that item's, not the `access:` key's.
  runErrors(t, [
    {
      name: 'second function of a global plugin, block scalar',
      yaml: 'plugins:\n  - name: pre-function\n    config:\n      access:\n        - "(kong) => { return }"\n        - |\n          (kong) => {\n            kong.response.exit(200 {});\n          }\n',
      want: { path: 'plugins[0].config.access[1]', message: /SyntaxError.*\(line 2 of the function\)$/, line: 7, column: 11 },
    },
    {
      name: 'a nested plugin, flow scalar',
      yaml: 'services:\n  - host: h\n    plugins:\n      - name: post-function\n        config:\n          header_filter: ["(kong) => { kong.response.set_header(\'a\' }"]\n',
      want: { path: 'services[0].plugins[0].config.header_filter[0]', message: /SyntaxError/, line: 7, column: 27 },
    },
  ]);
  runErrors(t, [
    {
      name: 'a Lua function',
      yaml: 'plugins:\n  - name: pre-function\n    config:\n      access:\n        - |\n          local ip = kong.client.get_ip()\n          if ip == "10.0.0.1" then\n            kong.response.exit(403, { message = "no" }\n          end\n',
      want: { path: 'plugins[0].config.access[0]', message: /^Lua syntax error: .*\(line 4 of the function\)$/, line: 6, column: 11 },
    },
  ]);
  // A check that is about the config as a whole still points at `config`.
  runErrors(t, [{ name: 'no function at all', yaml: 'plugins:\n  - name: pre-function\n    config: {}\n', want: { path: 'plugins[0].config', message: /^at least one of these fields must be non-empty/ } }]);
});
