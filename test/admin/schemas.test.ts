/**
 * `/schemas/{entity}`, `/schemas/plugins/{name}` and `/plugins/schema/{name}` answer in Kong's format
 * (kong/api/api_helpers.lua schema_to_jsonable): `{ fields: [{ name: { type, … } }], entity_checks: [] }`, for
 * every entity and every bundled plugin, with the fields Kong's definitions have (kong/db/schema/entities/*.lua,
 * kong/plugins/<name>/schema.lua and daos.lua, Kong 3.10), over a real gateway. sluice's own JSON Schemas are
 * under `/schemas/json/...`.
 */
import t from 'tap';
import { kongField } from '../../src/admin/kong-schema.js';
import { pluginCatalog } from '../../src/plugins/catalog.js';
import { ENTITIES } from '../../src/schema/index.js';
import { gateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

type Field = Record<string, unknown>;
interface KongSchemaBody {
  fields: Record<string, Field>[];
  entity_checks: unknown[];
}

const KONG_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'array', 'set', 'map', 'record', 'foreign', 'json']);
const STAMPS = ['id', 'created_at', 'updated_at'];

/**
 * Kong's fields per entity, and what sluice lacks of them (each with the reason). routes' `expression` and
 * `priority` exist only under router_flavor = expressions, so traditional_compatible Kong has them not either.
 */
const KONG_ENTITIES: Record<string, { fields: string[]; missing?: Record<string, string> }> = {
  services: { fields: [...STAMPS, 'name', 'retries', 'protocol', 'host', 'port', 'path', 'connect_timeout', 'write_timeout', 'read_timeout', 'tags', 'client_certificate', 'tls_verify', 'tls_verify_depth', 'ca_certificates', 'enabled'] },
  routes: { fields: [...STAMPS, 'name', 'protocols', 'https_redirect_status_code', 'strip_path', 'preserve_host', 'request_buffering', 'response_buffering', 'tags', 'service', 'snis', 'sources', 'destinations', 'methods', 'hosts', 'paths', 'headers', 'regex_priority', 'path_handling'] },
  consumers: { fields: [...STAMPS, 'username', 'custom_id', 'tags'] },
  plugins: { fields: [...STAMPS, 'name', 'instance_name', 'route', 'service', 'consumer', 'config', 'protocols', 'enabled', 'tags'] },
  upstreams: { fields: [...STAMPS, 'name', 'algorithm', 'hash_on', 'hash_fallback', 'hash_on_header', 'hash_fallback_header', 'hash_on_cookie', 'hash_on_cookie_path', 'hash_on_query_arg', 'hash_fallback_query_arg', 'hash_on_uri_capture', 'hash_fallback_uri_capture', 'slots', 'healthchecks', 'tags', 'host_header', 'client_certificate', 'use_srv_name'] },
  targets: { fields: [...STAMPS, 'upstream', 'target', 'weight', 'tags'] },
  certificates: {
    fields: [...STAMPS, 'cert', 'key', 'cert_alt', 'key_alt', 'tags', 'snis'],
    missing: { snis: "Kong's transient Admin API shorthand (names to create SNIs from); sluice nests `snis` records instead" },
  },
  snis: { fields: [...STAMPS, 'name', 'tags', 'certificate'] },
  ca_certificates: { fields: [...STAMPS, 'cert', 'cert_digest', 'tags'] },
  vaults: { fields: [...STAMPS, 'prefix', 'name', 'description', 'config', 'tags'] },
  keys: { fields: [...STAMPS, 'set', 'name', 'kid', 'jwk', 'pem', 'tags'] },
  key_sets: { fields: [...STAMPS, 'name', 'tags'] },
  // Kong Enterprise.
  consumer_groups: { fields: [...STAMPS, 'name', 'tags'] },
  keyauth_credentials: { fields: ['id', 'created_at', 'consumer', 'key', 'tags'] },
  basicauth_credentials: { fields: ['id', 'created_at', 'consumer', 'username', 'password', 'tags'] },
  jwt_secrets: { fields: ['id', 'created_at', 'consumer', 'key', 'secret', 'rsa_public_key', 'algorithm', 'tags'] },
  hmacauth_credentials: { fields: ['id', 'created_at', 'consumer', 'username', 'secret', 'tags'] },
  acls: { fields: ['id', 'created_at', 'consumer', 'group', 'tags'] },
};

const HTTP = ['grpc', 'grpcs', 'http', 'https'];
/** Kong's plugin schemas: the scopes refused (typedefs.no_*), the protocols' default, the config fields. */
const KONG_PLUGINS: Record<string, { top: string[]; protocols: string[]; config: string[]; missing?: Record<string, string> }> = {
  acl: { top: ['consumer', 'protocols', 'config'], protocols: HTTP, config: ['allow', 'deny', 'hide_groups_header', 'always_use_authenticated_groups'] },
  'basic-auth': { top: ['consumer', 'protocols', 'config'], protocols: HTTP, config: ['anonymous', 'hide_credentials', 'realm'] },
  'bot-detection': { top: ['consumer', 'protocols', 'config'], protocols: HTTP, config: ['allow', 'deny'] },
  'correlation-id': { top: ['protocols', 'config'], protocols: HTTP, config: ['header_name', 'generator', 'echo_downstream'] },
  cors: { top: ['consumer', 'protocols', 'config'], protocols: HTTP, config: ['origins', 'headers', 'exposed_headers', 'methods', 'max_age', 'credentials', 'private_network', 'preflight_continue', 'allow_origin_absent'] },
  'hmac-auth': { top: ['consumer', 'protocols', 'config'], protocols: HTTP, config: ['hide_credentials', 'clock_skew', 'anonymous', 'validate_request_body', 'enforce_headers', 'algorithms', 'realm'] },
  'http-log': {
    top: ['protocols', 'config'],
    protocols: HTTP,
    config: ['http_endpoint', 'method', 'content_type', 'timeout', 'keepalive', 'retry_count', 'queue_size', 'flush_timeout', 'headers', 'queue', 'custom_fields_by_lua'],
  },
  'ip-restriction': { top: ['protocols', 'config'], protocols: ['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs'], config: ['allow', 'deny', 'status', 'message'] },
  jwt: { top: ['consumer', 'protocols', 'config'], protocols: HTTP, config: ['uri_param_names', 'cookie_names', 'key_claim_name', 'secret_is_base64', 'claims_to_verify', 'anonymous', 'run_on_preflight', 'maximum_expiration', 'header_names', 'realm'] },
  'key-auth': { top: ['consumer', 'protocols', 'config'], protocols: HTTP, config: ['key_names', 'hide_credentials', 'anonymous', 'key_in_header', 'key_in_query', 'key_in_body', 'run_on_preflight', 'realm'] },
  'pre-function': { top: ['consumer', 'protocols', 'config'], protocols: HTTP, config: ['certificate', 'rewrite', 'access', 'header_filter', 'body_filter', 'log'] },
  'post-function': { top: ['consumer', 'protocols', 'config'], protocols: HTTP, config: ['certificate', 'rewrite', 'access', 'header_filter', 'body_filter', 'log'] },
  'rate-limiting': { top: ['protocols', 'config'], protocols: HTTP, config: ['second', 'minute', 'hour', 'day', 'month', 'year', 'limit_by', 'header_name', 'path', 'policy', 'fault_tolerant', 'redis', 'hide_client_headers', 'error_code', 'error_message', 'sync_rate'] },
  'request-size-limiting': { top: ['protocols', 'config'], protocols: HTTP, config: ['allowed_payload_size', 'size_unit', 'require_content_length'] },
  'request-termination': { top: ['protocols', 'config'], protocols: HTTP, config: ['status_code', 'message', 'content_type', 'body', 'echo', 'trigger'] },
  'request-transformer': { top: ['protocols', 'config'], protocols: HTTP, config: ['http_method', 'remove', 'rename', 'replace', 'add', 'append'] },
  'response-transformer': { top: ['protocols', 'config'], protocols: HTTP, config: ['remove', 'rename', 'replace', 'add', 'append'] },
  'file-log': { top: ['protocols', 'config'], protocols: HTTP, config: ['path', 'reopen', 'custom_fields_by_lua'] },
  opentelemetry: {
    top: ['protocols', 'config'],
    protocols: HTTP,
    config: ['traces_endpoint', 'logs_endpoint', 'headers', 'resource_attributes', 'queue', 'batch_span_count', 'batch_flush_delay', 'connect_timeout', 'send_timeout', 'read_timeout', 'http_response_header_for_traceid', 'header_type', 'sampling_rate', 'propagation'],
  },
  prometheus: {
    top: ['protocols', 'config'],
    protocols: HTTP,
    config: ['per_consumer', 'status_code_metrics', 'ai_metrics', 'latency_metrics', 'bandwidth_metrics', 'upstream_health_metrics', 'wasm_metrics'],
  },
  statsd: {
    top: ['protocols', 'config'],
    protocols: HTTP,
    config: ['host', 'port', 'prefix', 'metrics', 'allow_status_codes', 'udp_packet_size', 'use_tcp', 'hostname_in_prefix', 'consumer_identifier_default', 'service_identifier_default', 'workspace_identifier_default', 'retry_count', 'queue_size', 'flush_timeout', 'tag_style', 'queue'],
  },
  syslog: { top: ['protocols', 'config'], protocols: HTTP, config: ['log_level', 'successful_severity', 'client_errors_severity', 'server_errors_severity', 'custom_fields_by_lua', 'facility'] },
  'tcp-log': { top: ['protocols', 'config'], protocols: HTTP, config: ['host', 'port', 'timeout', 'keepalive', 'tls', 'tls_sni', 'custom_fields_by_lua'] },
  'udp-log': { top: ['protocols', 'config'], protocols: HTTP, config: ['host', 'port', 'timeout', 'custom_fields_by_lua'] },
  zipkin: {
    top: ['protocols', 'config'],
    protocols: HTTP,
    config: ['local_service_name', 'http_endpoint', 'sample_ratio', 'default_service_name', 'include_credential', 'traceid_byte_count', 'header_type', 'default_header_type', 'tags_header', 'static_tags', 'http_span_name', 'connect_timeout', 'send_timeout', 'read_timeout', 'http_response_header_for_traceid', 'phase_duration_flavor', 'queue', 'propagation'],
  },
  // Kong Enterprise (its documentation: /work/shared/seeds/003).
  'response-transformer-advanced': { top: ['protocols', 'config'], protocols: HTTP, config: ['remove', 'rename', 'replace', 'add', 'append', 'allow', 'transform'] },
};

const names = (fields: readonly Record<string, Field>[]) => fields.map((f) => Object.keys(f)[0]!);
const field = (body: KongSchemaBody, name: string) => body.fields.find((f) => name in f)?.[name];

/** Every field, at every depth, is one `{ name: { type, … } }` of a Kong type; foreign fields carry no `schema`. */
function shapeProblems(fields: unknown, at: string): string[] {
  if (!Array.isArray(fields)) return [`${at}: fields is not an array`];
  const out: string[] = [];
  for (const entry of fields as Record<string, Field>[]) {
    const keys = Object.keys(entry);
    if (keys.length !== 1) out.push(`${at}: an entry with ${keys.length} names`);
    for (const [name, f] of Object.entries(entry)) out.push(...fieldProblems(f, `${at}.${name}`));
  }
  return out;
}

function fieldProblems(f: Field, at: string): string[] {
  const out: string[] = [];
  if (!KONG_TYPES.has(f.type as string)) out.push(`${at}: type ${String(f.type)}`);
  if (f.type === 'foreign' && (typeof f.reference !== 'string' || 'schema' in f)) out.push(`${at}: foreign without reference or with schema`);
  if (f.type === 'record' && f.abstract !== true) out.push(...shapeProblems(f.fields, at));
  if ((f.type === 'array' || f.type === 'set') && f.elements) out.push(...fieldProblems(f.elements as Field, `${at}[]`));
  if (f.type === 'map') out.push(...fieldProblems(f.keys as Field, `${at}{key}`), ...fieldProblems(f.values as Field, `${at}{value}`));
  if ('x-error' in f || 'pattern' in f || 'properties' in f || 'items' in f) out.push(`${at}: JSON Schema keywords left over`);
  return out;
}

t.test('over a real gateway', async (t) => {
  const gw = await gateway(t, '_format_version: "3.0"\n');
  const get = (path: string) => request(gw.adminPort, path);

  t.test('every entity', async (t) => {
    t.same(Object.keys(KONG_ENTITIES).sort(), ENTITIES.map((e) => e.name).sort(), 'the table covers the registry');
    for (const def of ENTITIES) {
      const res = await get(`/schemas/${def.name}`);
      t.equal(res.status, 200, `${def.name}: 200`);
      const body = res.json<KongSchemaBody>();
      t.same(Object.keys(body).sort(), ['entity_checks', 'fields'], `${def.name}: Kong's two keys`);
      t.same(shapeProblems(body.fields, def.name), [], `${def.name}: Kong's field shape`);
      const kong = KONG_ENTITIES[def.name]!;
      const have = new Set(names(body.fields));
      const lacking = kong.fields.filter((f) => !have.has(f));
      t.same(lacking, Object.keys(kong.missing ?? {}), `${def.name}: every field Kong has, but the known gaps`);
      t.same(names(body.fields).slice(0, 2), ['id', 'created_at'], `${def.name}: primary key and timestamps first, as in Kong`);
      for (const u of def.unique) t.equal(field(body, u)?.unique, true, `${def.name}.${u} unique`);
      for (const fk of def.foreignKeys) t.equal(field(body, fk.field)?.reference, fk.entity, `${def.name}.${fk.field} → ${fk.entity}`);
    }
  });

  t.test('every bundled plugin', async (t) => {
    for (const name of pluginCatalog.keys()) {
      const kong = KONG_PLUGINS[name];
      t.ok(kong, `${name}: has a row in the table`);
      if (!kong) continue;
      const res = await get(`/schemas/plugins/${name}`);
      t.equal(res.status, 200, `${name}: 200`);
      const body = res.json<KongSchemaBody>();
      t.same(Object.keys(body).sort(), ['entity_checks', 'fields'], `${name}: Kong's two keys`);
      t.same(shapeProblems(body.fields, name), [], `${name}: Kong's field shape`);
      t.same(names(body.fields), kong.top, `${name}: the plugin's own fields`);
      t.same(field(body, 'protocols')?.default, kong.protocols, `${name}: protocols default`);
      const config = field(body, 'config')!;
      t.match(config, { type: 'record', required: true }, `${name}: config is a required record`);
      const have = new Set(names(config.fields as Record<string, Field>[]));
      t.same(kong.config.filter((f) => !have.has(f)), Object.keys(kong.missing ?? {}), `${name}: every config field Kong has, but the known gaps`);
      if (kong.top.includes('consumer')) t.same(field(body, 'consumer'), { type: 'foreign', reference: 'consumers', eq: null }, `${name}: typedefs.no_consumer`);

      const deprecated = await get(`/plugins/schema/${name}`);
      t.equal(deprecated.status, 200, `${name}: /plugins/schema 200`);
      t.same(deprecated.json<KongSchemaBody>(), { fields: config.fields, entity_checks: [] }, `${name}: /plugins/schema is the config record`);
    }
  });

  t.test("exact entries as Kong's", async (t) => {
    const schema = async (path: string) => (await get(path)).json<KongSchemaBody>();
    const routes = await schema('/schemas/routes');
    t.match(field(routes, 'paths'), { type: 'array', elements: { type: 'string' } }, 'route.paths');
    t.match(field(routes, 'protocols'), { type: 'set', len_min: 1, required: true, default: ['http', 'https'], elements: { type: 'string' } }, 'route.protocols');
    t.match(field(routes, 'https_redirect_status_code'), { type: 'integer', one_of: [426, 301, 302, 307, 308], default: 426, required: true });
    t.match(field(routes, 'sources'), { type: 'set', elements: { type: 'record', entity_checks: [{ at_least_one_of: ['ip', 'port'] }] } }, 'typedefs.sources');
    t.match(field(routes, 'service'), { type: 'foreign', reference: 'services' });
    t.match(field(routes, 'headers'), { type: 'map', keys: { type: 'string' }, values: { type: 'array', elements: { type: 'string' } } });
    const services = await schema('/schemas/services');
    t.match(field(services, 'port'), { type: 'integer', between: [0, 65535] }, 'service.port');
    t.match(field(services, 'retries'), { type: 'integer', between: [0, 32767], default: 5 });
    t.match(field(services, 'connect_timeout'), { type: 'integer', between: [1, 2 ** 31 - 2], default: 60000 });
    t.match(field(services, 'ca_certificates'), { elements: { type: 'string', uuid: true } });
    t.same(field(services, 'id'), { type: 'string', uuid: true, auto: true }, 'typedefs.uuid');
    t.same(field(services, 'created_at'), { type: 'integer', timestamp: true, auto: true }, 'typedefs.auto_timestamp_s');
    t.notOk(names(services.fields).includes('url'), 'the url shorthand is not a field');
    const upstreams = await schema('/schemas/upstreams');
    t.match(field(upstreams, 'algorithm'), { type: 'string', one_of: ['consistent-hashing', 'least-connections', 'round-robin', 'latency'], default: 'round-robin' });
    t.match(field(upstreams, 'slots'), { type: 'integer', between: [10, 2 ** 16], default: 10000 });
    t.match(field(upstreams, 'healthchecks'), { type: 'record', required: true, fields: [{ active: { type: 'record' } }, { passive: { type: 'record' } }, { threshold: { type: 'number' } }] });
    const targets = await schema('/schemas/targets');
    t.match(field(targets, 'upstream'), { type: 'foreign', reference: 'upstreams', required: true });
    t.same(field(targets, 'created_at'), { type: 'number', timestamp: true, auto: true }, 'typedefs.auto_timestamp_ms');
    t.match(field(await schema('/schemas/plugins'), 'config'), { type: 'record', abstract: true }, 'plugins.config is the subschema');

    const keyAuth = await schema('/schemas/plugins/key-auth');
    t.match(field(keyAuth, 'config')!.fields, [{ key_names: { type: 'array', required: true, default: ['apikey'], elements: { type: 'string' } } }]);
    t.same(field(keyAuth, 'protocols'), { type: 'set', required: true, default: HTTP, elements: { type: 'string', one_of: HTTP } }, 'typedefs.protocols_http');
    t.same((await schema('/schemas/plugins/ip-restriction')).entity_checks, [{ at_least_one_of: ['config.allow', 'config.deny'] }], 'plugin checks name config.<field>');

    // Kong's own test (04-plugins_routes_spec.lua): nested records and empty array defaults are arrays.
    const text = (await get('/schemas/plugins/request-transformer')).body;
    t.notMatch(text, '"entity_checks":{');
    t.notMatch(text, '"fields":{');
    t.match(text, '"default":[]');
    t.notMatch(text, '"default":{}');
  });

  t.test('unknown names', async (t) => {
    const cases: [string, string][] = [
      ['/schemas/not-present', "No entity named 'not-present'"],
      ['/schemas/plugins/not-present', "No plugin named 'not-present'"],
      ['/plugins/schema/not-present', "No plugin named 'not-present'"],
      ['/schemas/json/not-present', "No entity named 'not-present'"],
      ['/schemas/json/plugins/not-present', "No plugin named 'not-present'"],
      ['/schemas/service', "No entity named 'service'"],
    ];
    for (const [path, message] of cases) {
      const res = await get(path);
      t.equal(res.status, 404, path);
      t.same(res.json(), { message }, path);
    }
  });

  t.test("sluice's JSON Schemas at /schemas/json", async (t) => {
    const doc = (await get('/schemas/json')).json<{ properties: Record<string, unknown> }>();
    t.ok('services' in doc.properties, 'the whole kong.yaml document');
    t.match((await get('/schemas/json/routes')).json(), { $id: 'https://sluice.dev/schemas/route.json', type: 'object' });
    t.match((await get('/schemas/json/plugins/key-auth')).json(), { title: 'key-auth plugin config', type: 'object' });
  });
});

t.test('JSON Schema keywords → Kong attributes', async (t) => {
  const cases: [string, Record<string, unknown>, boolean, Record<string, unknown>][] = [
    ['a string may be empty unless it says otherwise', { type: 'string' }, false, { type: 'string', len_min: 0 }],
    ["minLength 1 is Kong's default", { type: 'string', minLength: 1 }, false, { type: 'string' }],
    ['a pattern that refuses "" is non-empty', { type: 'string', pattern: '^[A-Z]+$' }, false, { type: 'string' }],
    ['lengths', { type: 'string', minLength: 2, maxLength: 5 }, false, { type: 'string', len_min: 2, len_max: 5 }],
    ['enum', { type: 'string', enum: ['a', 'b'], default: 'a' }, true, { type: 'string', one_of: ['a', 'b'], default: 'a', required: true }],
    ['integer enum', { type: 'integer', enum: [1, 2] }, false, { type: 'integer', one_of: [1, 2] }],
    ['nullable', { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null }, false, { type: 'integer', default: null }],
    ['literals', { anyOf: [{ const: 'x', type: 'string' }, { const: 'y', type: 'string' }] }, false, { type: 'string', one_of: ['x', 'y'] }],
    ['bounds', { type: 'integer', minimum: 0, maximum: 9 }, false, { type: 'integer', between: [0, 9] }],
    ['lower bound only (math.huge)', { type: 'number', minimum: 0 }, false, { type: 'number', between: [0, 'inf'] }],
    ['exclusive minimum', { type: 'number', exclusiveMinimum: 0 }, false, { type: 'number', gt: 0 }],
    ['set', { type: 'array', 'x-set': true, items: { type: 'boolean' }, minItems: 1 }, false, { type: 'set', elements: { type: 'boolean' }, len_min: 1 }],
    ['record defaults are its fields\'', { type: 'object', default: {}, properties: { a: { type: 'boolean', default: true } } }, true, { type: 'record', required: true, fields: [{ a: { type: 'boolean', required: true, default: true } }] }],
    ['map', { type: 'object', patternProperties: { '^(.*)$': { type: 'string', minLength: 1 } } }, false, { type: 'map', keys: { type: 'string' }, values: { type: 'string' } }],
    ['any value', {}, false, { type: 'json' }],
    ['description', { type: 'boolean', description: 'why' }, false, { type: 'boolean', description: 'why' }],
    ['x-kong says what JSON Schema cannot', { type: 'string', minLength: 1, 'x-kong': { required: true, referenceable: true } }, false, { type: 'string', required: true, referenceable: true }],
  ];
  for (const [name, schema, required, want] of cases) t.same(kongField(schema, required), want, name);
});
