/**
 * Every check Kong 3.x makes on a bundled plugin's entity (kong/plugins/<name>/schema.lua, with the core rules of
 * kong/db/schema/init.lua and typedefs.lua), through the real loader, positive and negative. Each row cites the
 * rule it matches; line numbers are Kong's master at 22246ef (the 3.10 line, kong/meta.lua 3.10.0).
 * response-transformer-advanced is Kong Enterprise: its rows cite the plugin's documentation instead. Rows
 * marked "sluice:" are sluice's own refusals of a value it could not serve (said in the row).
 */
import { createHmac } from 'node:crypto';
import t from 'tap';
import { gatewayWithService } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { type PluginRow, testPluginRows } from '../helpers/plugin-rows.js';

const PERIODS = "'config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'";
const ACL = "'config.allow', 'config.deny'";
const IPR = "at least one of these fields must be non-empty: 'config.allow', 'config.deny'";
const badHeader = (name: string) => `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`;
const C = 'plugins[0].config';
const METHODS = 'GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT';

const rows: PluginRow[] = [
  // ── acl ──
  { kong: 'acl/schema.lua:12-17 allow', plugin: 'acl', config: { allow: ['a'] }, want: 'ok', has: { hide_groups_header: false, always_use_authenticated_groups: false } },
  { kong: 'acl/schema.lua:25 only_one_of counts non-empty lists', plugin: 'acl', config: { allow: ['a'], deny: [] }, want: 'ok' },
  { kong: 'acl/schema.lua:25 only_one_of', plugin: 'acl', config: { deny: ['a'], allow: null }, want: 'ok' },
  { kong: 'acl/schema.lua:25 only_one_of: both', plugin: 'acl', config: { allow: ['a'], deny: ['b'] }, want: [`${C}: exactly one of these fields must be non-empty: ${ACL}`] },
  {
    kong: 'acl/schema.lua:25-26 only_one_of and at_least_one_of (absent fields are null, so both run)',
    plugin: 'acl',
    config: {},
    want: [`${C}: exactly one of these fields must be non-empty: ${ACL}`, `${C}: at least one of these fields must be non-empty: ${ACL}`],
  },
  {
    kong: 'acl/schema.lua:25-26 empty lists are empty',
    plugin: 'acl',
    config: { allow: [], deny: [] },
    want: [`${C}: exactly one of these fields must be non-empty: ${ACL}`, `${C}: at least one of these fields must be non-empty: ${ACL}`],
  },
  { kong: 'init.lua:991 strings are non-empty (len_min 1)', plugin: 'acl', config: { allow: [''] }, want: [`${C}.allow[0]: length must be at least 1`] },
  { kong: 'acl/schema.lua:18 hide_groups_header boolean', plugin: 'acl', config: { allow: ['a'], hide_groups_header: 'yes' }, want: [`${C}.hide_groups_header: expected a boolean`] },
  { kong: 'acl/schema.lua:7 typedefs.no_consumer', plugin: 'acl', config: { allow: ['a'] }, consumer: true, want: ['plugins[0].consumer: value must be null'] },

  // ── basic-auth ──
  { kong: 'basic-auth/schema.lua:13-14 defaults', plugin: 'basic-auth', config: {}, want: 'ok', has: { hide_credentials: false, realm: 'service' } },
  { kong: 'basic-auth/schema.lua:14 realm (len_min 1)', plugin: 'basic-auth', config: { realm: '' }, want: [`${C}.realm: length must be at least 1`] },
  { kong: 'basic-auth/schema.lua:7 typedefs.no_consumer', plugin: 'basic-auth', config: {}, consumer: true, want: ['plugins[0].consumer: value must be null'] },

  // ── bot-detection ──
  { kong: 'bot-detection/schema.lua:11-18 defaults', plugin: 'bot-detection', config: {}, want: 'ok', has: { allow: [], deny: [] } },
  { kong: 'bot-detection/schema.lua:12 is_regex', plugin: 'bot-detection', config: { allow: ['(?i)curl', '^my-bot/\\d+'] }, want: 'ok' },
  { kong: 'bot-detection/schema.lua:16 is_regex; init.lua:92 IS_REGEX', plugin: 'bot-detection', config: { deny: ['ok', '(('] }, want: [`${C}.deny[1]: not a valid regex: (( (Unterminated group)`] },
  { kong: 'sluice: a PCRE-only construct (atomic group) is refused, JavaScript cannot run it', plugin: 'bot-detection', config: { allow: ['a(?>b)'] }, want: [`${C}.allow[0]: not a valid regex: a(?>b) (Invalid group)`] },
  { kong: 'init.lua:991 len_min 1', plugin: 'bot-detection', config: { deny: [''] }, want: [`${C}.deny[0]: length must be at least 1`] },
  { kong: 'bot-detection/schema.lua:6 typedefs.no_consumer', plugin: 'bot-detection', config: {}, consumer: true, want: ['plugins[0].consumer: value must be null'] },

  // ── correlation-id ──
  { kong: 'correlation-id/schema.lua:11-14 defaults', plugin: 'correlation-id', config: {}, want: 'ok', has: { header_name: 'Kong-Request-ID', generator: 'uuid#counter', echo_downstream: false } },
  { kong: 'correlation-id/schema.lua:11 a null is unset: the default', plugin: 'correlation-id', config: { header_name: null }, want: 'ok', has: { header_name: 'Kong-Request-ID' } },
  { kong: 'correlation-id/schema.lua:13 one_of', plugin: 'correlation-id', config: { generator: 'ulid' }, want: [`${C}.generator: expected one of: uuid, uuid#counter, tracker`] },
  { kong: 'correlation-id/schema.lua:11 len_min 1', plugin: 'correlation-id', config: { header_name: '' }, want: [`${C}.header_name: length must be at least 1`] },
  { kong: 'correlation-id/schema.lua (no no_consumer): consumer scoping allowed', plugin: 'correlation-id', config: {}, consumer: true, want: 'ok' },

  // ── cors ──
  { kong: 'cors/schema.lua:41-46 methods default', plugin: 'cors', config: {}, want: 'ok', has: { methods: METHODS.split(', '), credentials: false, private_network: false, preflight_continue: false, allow_origin_absent: true } },
  { kong: 'cors/schema.lua:18-23 `*` or a regex', plugin: 'cors', config: { origins: ['*', 'https://a.example', 'https://(.*)\\.b\\.example'] }, want: 'ok' },
  { kong: 'cors/schema.lua:18-23,37 validate_asterisk_or_regex', plugin: 'cors', config: { origins: ['https://a.example', '(('] }, want: [`${C}.origins[1]: '((' is not a valid regex`] },
  { kong: 'cors/schema.lua:45 one_of METHODS', plugin: 'cors', config: { methods: ['GET', 'FETCH'] }, want: [`${C}.methods[1]: expected one of: ${METHODS}`] },
  { kong: 'cors/schema.lua:39 len_min 1', plugin: 'cors', config: { headers: [''] }, want: [`${C}.headers[0]: length must be at least 1`] },
  { kong: 'cors/schema.lua:47 max_age number', plugin: 'cors', config: { max_age: 'long' }, want: [`${C}.max_age: expected a number`] },
  { kong: 'cors/schema.lua:29 typedefs.no_consumer', plugin: 'cors', config: {}, consumer: true, want: ['plugins[0].consumer: value must be null'] },

  // ── hmac-auth ──
  {
    kong: 'hmac-auth/schema.lua:20-31 defaults',
    plugin: 'hmac-auth',
    config: {},
    want: 'ok',
    has: { clock_skew: 300, enforce_headers: [], algorithms: ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'], validate_request_body: false },
  },
  { kong: 'hmac-auth/schema.lua:21 gt = 0', plugin: 'hmac-auth', config: { clock_skew: 0 }, want: [`${C}.clock_skew: value must be greater than 0`] },
  { kong: 'hmac-auth/schema.lua:29 one_of ALGORITHMS', plugin: 'hmac-auth', config: { algorithms: ['hmac-md5'] }, want: [`${C}.algorithms[0]: expected one of: hmac-sha1, hmac-sha256, hmac-sha384, hmac-sha512`] },
  { kong: 'hmac-auth/schema.lua:25 len_min 1', plugin: 'hmac-auth', config: { enforce_headers: [''] }, want: [`${C}.enforce_headers[0]: length must be at least 1`] },
  { kong: 'hmac-auth/schema.lua:15 typedefs.no_consumer', plugin: 'hmac-auth', config: {}, consumer: true, want: ['plugins[0].consumer: value must be null'] },

  // ── ip-restriction ──
  { kong: 'ip-restriction/schema.lua:11 ip_or_cidr', plugin: 'ip-restriction', config: { allow: ['127.0.0.1', '10.0.0.0/8', '::/0', '::1/128'] }, want: 'ok' },
  { kong: 'ip-restriction spec 01-schema_spec.lua:18-27 both lists', plugin: 'ip-restriction', config: { allow: ['127.0.0.1'], deny: ['127.0.0.2'], status: 401, message: 'no' }, want: 'ok' },
  { kong: 'ip-restriction/schema.lua:20 at_least_one_of', plugin: 'ip-restriction', config: {}, want: [`${C}: ${IPR}`] },
  { kong: 'ip-restriction/schema.lua:20 at_least_one_of: empty lists (spec :66-74)', plugin: 'ip-restriction', config: { allow: [], deny: [] }, want: [`${C}: ${IPR}`] },
  { kong: 'ip-restriction/schema.lua:20 at_least_one_of: nulls', plugin: 'ip-restriction', config: { allow: null, deny: null }, want: [`${C}: ${IPR}`] },
  { kong: 'typedefs.lua:53-59 validate_ip_or_cidr (spec :38-43)', plugin: 'ip-restriction', config: { allow: ['127.0.0.1', 'hello'] }, want: [`${C}.allow[1]: invalid ip or cidr range: 'hello'`] },
  { kong: 'typedefs.lua:53-59 prefix beyond /32', plugin: 'ip-restriction', config: { deny: ['0.0.0.0/33'] }, want: [`${C}.deny[0]: invalid ip or cidr range: '0.0.0.0/33'`] },
  { kong: 'ip-restriction/schema.lua:14 message len_min 1', plugin: 'ip-restriction', config: { allow: ['::1'], message: '' }, want: [`${C}.message: length must be at least 1`] },
  { kong: 'ip-restriction/schema.lua:13 status number', plugin: 'ip-restriction', config: { allow: ['::1'], status: 'denied' }, want: [`${C}.status: expected a number`] },
  { kong: 'ip-restriction/schema.lua (no no_consumer): consumer scoping allowed', plugin: 'ip-restriction', config: { allow: ['::1'] }, consumer: true, want: 'ok' },

  // ── jwt ──
  {
    kong: 'jwt/schema.lua:12-47 defaults',
    plugin: 'jwt',
    config: {},
    want: 'ok',
    has: { uri_param_names: ['jwt'], cookie_names: [], key_claim_name: 'iss', secret_is_base64: false, run_on_preflight: true, maximum_expiration: 0, header_names: ['authorization'] },
  },
  { kong: 'jwt spec 06-schema_spec.lua:6-14', plugin: 'jwt', config: { maximum_expiration: 60, claims_to_verify: ['exp', 'nbf'] }, want: 'ok' },
  {
    kong: 'jwt/schema.lua:53-58 conditional; init.lua:877-888 a null claims_to_verify validates `contains`',
    plugin: 'jwt',
    config: { maximum_expiration: 60 },
    want: 'ok',
  },
  {
    kong: 'jwt/schema.lua:53-58 conditional (spec :39-47)',
    plugin: 'jwt',
    config: { maximum_expiration: 60, claims_to_verify: ['nbf'] },
    want: [`${C}.claims_to_verify: expected to contain: exp`, `${C}: failed conditional validation given value of field 'config.maximum_expiration'`],
  },
  {
    kong: 'jwt/schema.lua:53-58 conditional: an empty list',
    plugin: 'jwt',
    config: { maximum_expiration: 1, claims_to_verify: [] },
    want: [`${C}.claims_to_verify: expected to contain: exp`, `${C}: failed conditional validation given value of field 'config.maximum_expiration'`],
  },
  { kong: 'jwt/schema.lua:39 between (spec :17-37; the conditional does not match -1)', plugin: 'jwt', config: { maximum_expiration: -1, claims_to_verify: ['nbf'] }, want: [`${C}.maximum_expiration: value should be between 0 and 31536000`] },
  { kong: 'jwt/schema.lua:31 one_of exp, nbf', plugin: 'jwt', config: { claims_to_verify: ['iat'] }, want: [`${C}.claims_to_verify[0]: expected one of: exp, nbf`] },
  { kong: 'jwt/schema.lua:24 len_min 1', plugin: 'jwt', config: { key_claim_name: '' }, want: [`${C}.key_claim_name: length must be at least 1`] },
  { kong: 'jwt/schema.lua:7 typedefs.no_consumer', plugin: 'jwt', config: {}, consumer: true, want: ['plugins[0].consumer: value must be null'] },

  // ── key-auth ──
  { kong: 'key-auth/schema.lua:12-23 defaults', plugin: 'key-auth', config: {}, want: 'ok', has: { key_names: ['apikey'], key_in_header: true, key_in_query: true, key_in_body: false, run_on_preflight: true } },
  { kong: 'key-auth/schema.lua:14 typedefs.header_name', plugin: 'key-auth', config: { key_names: ['apikey', 'api key'] }, want: [`${C}.key_names[1]: ${badHeader('api key')}`] },
  { kong: 'key-auth/schema.lua:7 typedefs.no_consumer', plugin: 'key-auth', config: {}, consumer: true, want: ['plugins[0].consumer: value must be null'] },

  // ── rate-limiting ──
  {
    kong: 'rate-limiting/schema.lua:80-98 defaults',
    plugin: 'rate-limiting',
    config: { minute: 5 },
    want: 'ok',
    has: { limit_by: 'consumer', policy: 'local', fault_tolerant: true, hide_client_headers: false, error_code: 429, error_message: 'API rate limit exceeded', sync_rate: -1 },
  },
  { kong: 'rate-limiting/schema.lua:199 at_least_one_of periods', plugin: 'rate-limiting', config: {}, want: [`${C}: at least one of these fields must be non-empty: ${PERIODS}`] },
  { kong: 'rate-limiting/schema.lua:199 at_least_one_of: nulls are empty', plugin: 'rate-limiting', config: { second: null, minute: null }, want: [`${C}: at least one of these fields must be non-empty: ${PERIODS}`] },
  { kong: 'rate-limiting/schema.lua:80 gt = 0', plugin: 'rate-limiting', config: { second: 0 }, want: [`${C}.second: value must be greater than 0`] },
  { kong: 'rate-limiting/schema.lua:10-23 validate_periods_order', plugin: 'rate-limiting', config: { minute: 10, hour: 5 }, want: [`${C}: The limit for hour(5.0) cannot be lower than the limit for minute(10.0)`] },
  { kong: 'rate-limiting/schema.lua:25-27 sync_rate needs redis', plugin: 'rate-limiting', config: { minute: 5, sync_rate: 1 }, want: [`${C}: sync_rate can only be used with the redis policy`] },
  { kong: 'rate-limiting/schema.lua:29-33 sync_rate floor', plugin: 'rate-limiting', config: { minute: 5, policy: 'redis', redis: { host: 'r' }, sync_rate: 0.01 }, want: [`${C}: sync_rate must be greater than 0.02, or -1 to disable`] },
  { kong: 'rate-limiting/schema.lua:29-33 sync_rate with redis', plugin: 'rate-limiting', config: { minute: 5, policy: 'redis', redis: { host: 'r' }, sync_rate: 0.5 }, want: 'ok' },
  { kong: 'rate-limiting/schema.lua:49-58 DB-less policies', plugin: 'rate-limiting', config: { minute: 5, policy: 'cluster' }, want: [`${C}.policy: expected one of: local, redis`] },
  {
    kong: 'rate-limiting/schema.lua:200-203 conditional redis.host',
    plugin: 'rate-limiting',
    config: { minute: 5, policy: 'redis' },
    want: [`${C}: failed conditional validation given value of field 'config.policy': 'config.redis.host' is required`],
  },
  { kong: 'rate-limiting/schema.lua:103-112 redis_host shorthand', plugin: 'rate-limiting', config: { minute: 5, policy: 'redis', redis_host: 'r', redis_port: 7000 }, want: 'ok' },
  {
    kong: 'rate-limiting/schema.lua:212-215 conditional header_name',
    plugin: 'rate-limiting',
    config: { minute: 5, limit_by: 'header' },
    want: [`${C}: failed conditional validation given value of field 'config.limit_by': 'config.header_name' is required`],
  },
  { kong: 'rate-limiting/schema.lua:90 typedefs.header_name', plugin: 'rate-limiting', config: { minute: 5, limit_by: 'header', header_name: 'x y' }, want: [`${C}.header_name: ${badHeader('x y')}`] },
  {
    kong: 'rate-limiting/schema.lua:216-219 conditional path',
    plugin: 'rate-limiting',
    config: { minute: 5, limit_by: 'path' },
    want: [`${C}: failed conditional validation given value of field 'config.limit_by': 'config.path' is required`],
  },
  { kong: 'rate-limiting/schema.lua:91 typedefs.path', plugin: 'rate-limiting', config: { minute: 5, limit_by: 'path', path: '/v1/users' }, want: 'ok' },
  { kong: 'typedefs.lua:318-320 path starts_with', plugin: 'rate-limiting', config: { minute: 5, path: 'v1' }, want: [`${C}.path: should start with: /`] },
  { kong: 'typedefs.lua:321-325 path match_none //', plugin: 'rate-limiting', config: { minute: 5, path: '/a//b' }, want: [`${C}.path: must not have empty segments`] },
  { kong: 'typedefs.lua:71-79 validate_path RFC 3986', plugin: 'rate-limiting', config: { minute: 5, path: '/a b' }, want: [`${C}.path: invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)`] },
  { kong: 'typedefs.lua:81-89 validate_path percent-encoding', plugin: 'rate-limiting', config: { minute: 5, path: '/a%zz' }, want: [`${C}.path: invalid url-encoded value: '%zz'`] },
  { kong: 'rate-limiting/schema.lua:96 error_code gt = 0', plugin: 'rate-limiting', config: { minute: 5, error_code: 0 }, want: [`${C}.error_code: value must be greater than 0`] },
  { kong: 'rate-limiting/schema.lua:97 error_message len_min 1', plugin: 'rate-limiting', config: { minute: 5, error_message: '' }, want: [`${C}.error_message: length must be at least 1`] },
  { kong: 'redis/schema.lua:9 typedefs.host; typedefs.lua:24-35 validate_host', plugin: 'rate-limiting', config: { minute: 5, redis: { host: 'redis:6379' } }, want: [`${C}.redis.host: must not have a port`] },
  { kong: 'typedefs.lua:24-35 validate_host (IPv6 with a port)', plugin: 'rate-limiting', config: { minute: 5, redis: { host: '[::1]:6379' } }, want: [`${C}.redis.host: must not have a port`] },
  { kong: 'typedefs.lua:24-35 validate_host (an IPv6 address)', plugin: 'rate-limiting', config: { minute: 5, policy: 'redis', redis: { host: '::1' } }, want: 'ok' },
  { kong: 'redis/schema.lua:33 typedefs.sni; typedefs.lua:154-170 validate_sni', plugin: 'rate-limiting', config: { minute: 5, redis: { host: 'r', server_name: '10.0.0.1' } }, want: [`${C}.redis.server_name: must not be an IP`] },
  { kong: 'redis/schema.lua:10 typedefs.port', plugin: 'rate-limiting', config: { minute: 5, redis: { port: 70000 } }, want: [`${C}.redis.port: value should be between 0 and 65535`] },
  { kong: 'redis/schema.lua:11 typedefs.timeout', plugin: 'rate-limiting', config: { minute: 5, redis: { timeout: -1 } }, want: [`${C}.redis.timeout: value should be between 0 and 2147483646`] },
  { kong: 'redis/schema.lua:12-14 username len_min 1, :15-19 password len_min 0', plugin: 'rate-limiting', config: { minute: 5, redis: { username: '', password: '' } }, want: [`${C}.redis.username: length must be at least 1`] },
  { kong: 'rate-limiting/schema.lua:113-122 redis_port, translated then typedefs.port', plugin: 'rate-limiting', config: { minute: 5, redis_port: 70000 }, want: [`${C}.redis_port: value should be between 0 and 65535`] },
  {
    kong: 'init.lua:1745-1768 validate_deprecation_exclusiveness',
    plugin: 'rate-limiting',
    config: { minute: 5, policy: 'redis', redis_host: 'a', redis: { host: 'b' } },
    want: [`${C}.redis_host: both deprecated and new field are used but their values mismatch: redis_host = a vs redis.host = b`],
  },
  { kong: 'init.lua:1745-1768 equal values are fine', plugin: 'rate-limiting', config: { minute: 5, policy: 'redis', redis_host: 'a', redis: { host: 'a' } }, want: 'ok' },
  { kong: 'rate-limiting/schema.lua (no no_consumer): consumer scoping allowed', plugin: 'rate-limiting', config: { minute: 5 }, consumer: true, want: 'ok' },

  // ── request-size-limiting ──
  { kong: 'request-size-limiting/schema.lua:15-17 defaults', plugin: 'request-size-limiting', config: {}, want: 'ok', has: { allowed_payload_size: 128, size_unit: 'megabytes', require_content_length: false } },
  { kong: 'request-size-limiting/schema.lua:16 one_of size_units', plugin: 'request-size-limiting', config: { size_unit: 'gigabytes' }, want: [`${C}.size_unit: expected one of: megabytes, kilobytes, bytes`] },
  { kong: 'request-size-limiting/schema.lua:15 integer', plugin: 'request-size-limiting', config: { allowed_payload_size: 1.5 }, want: [`${C}.allowed_payload_size: expected an integer`] },

  // ── checks that name a field: reported at it (PluginSchemaInfo.configProblems), not at the record ──
  { kong: 'http-log/schema.lua headers: keys match_none host, content-length, content-type', plugin: 'http-log', config: { http_endpoint: 'http://127.0.0.1:9/log', headers: { Host: 'x' } }, want: [`${C}.headers: cannot contain 'Host' header`] },
  { kong: 'http-log/schema.lua headers: keys typedefs.header_name', plugin: 'http-log', config: { http_endpoint: 'http://127.0.0.1:9/log', headers: { 'a b': 'x' } }, want: [`${C}.headers: ${badHeader('a b')}`] },
  { kong: 'http-log/schema.lua custom_validator: Authorization header beside user info', plugin: 'http-log', config: { http_endpoint: 'http://u:p@127.0.0.1:9/log', headers: { Authorization: 'x' } }, want: [`${C}: specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed`] },
  { kong: 'sluice: OpenTelemetry logs are not exported', plugin: 'opentelemetry', config: { logs_endpoint: 'http://127.0.0.1:9/v1/logs' }, want: [`${C}.logs_endpoint: sluice does not export OpenTelemetry logs; remove logs_endpoint (traces_endpoint is supported)`] },
  // A key with a dot is placed at its own field (before: reported at config, the path inside the message).
  { kong: 'sluice: resource_attributes values are plain (no Lua templates)', plugin: 'opentelemetry', config: { traces_endpoint: 'http://127.0.0.1:9/v1/traces', resource_attributes: { 'service.name': '$(x)' } }, want: [`${C}.resource_attributes["service.name"]: Lua templates ($(…)) are not supported; use a plain value`] },
  { kong: 'opentelemetry/schema.lua headers typedefs.header_name', plugin: 'opentelemetry', config: { traces_endpoint: 'http://127.0.0.1:9/v1/traces', headers: { 'a b': 'x' } }, want: [`${C}.headers: ${badHeader('a b')}`] },
  { kong: 'zipkin/schema.lua static_tags: no repeated tag', plugin: 'zipkin', config: { static_tags: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }] }, want: [`${C}.static_tags: repeated tags are not allowed: a`] },
  { kong: 'redis schema server_name typedefs.sni (not an IP)', plugin: 'rate-limiting', config: { minute: 5, policy: 'redis', redis: { host: '127.0.0.1', server_name: '10.0.0.1' } }, want: [`${C}.redis.server_name: must not be an IP`] },

  // ── request-termination ──
  { kong: 'request-termination/schema.lua:16-20 status_code default', plugin: 'request-termination', config: {}, want: 'ok', has: { status_code: 503, echo: false } },
  { kong: 'request-termination/schema.lua:19 between 100, 599', plugin: 'request-termination', config: { status_code: 700 }, want: [`${C}.status_code: value should be between 100 and 599`] },
  { kong: 'request-termination/schema.lua:28-32 message with body', plugin: 'request-termination', config: { message: 'a', body: 'b' }, want: [`${C}: message cannot be used with content_type or body`] },
  { kong: 'request-termination/schema.lua:28-32 message with content_type', plugin: 'request-termination', config: { message: 'a', content_type: 'text/plain' }, want: [`${C}: message cannot be used with content_type or body`] },
  { kong: 'request-termination/schema.lua:33-36 content_type needs a body', plugin: 'request-termination', config: { content_type: 'text/plain' }, want: [`${C}: content_type requires a body`] },
  { kong: 'request-termination/schema.lua:37-41 echo and body', plugin: 'request-termination', config: { echo: true, body: 'x' }, want: [`${C}: echo cannot be used with content_type and body`] },
  { kong: 'request-termination/schema.lua:37-41 echo with a message', plugin: 'request-termination', config: { echo: true, message: 'hi' }, want: 'ok' },
  { kong: 'request-termination/schema.lua:22-23 body with content_type', plugin: 'request-termination', config: { status_code: 200, body: '{}', content_type: 'application/json' }, want: 'ok' },
  { kong: 'request-termination/schema.lua:25 trigger typedefs.header_name', plugin: 'request-termination', config: { trigger: 'x debug' }, want: [`${C}.trigger: ${badHeader('x debug')}`] },
  { kong: 'request-termination/schema.lua:21 message len_min 1', plugin: 'request-termination', config: { message: '' }, want: [`${C}.message: length must be at least 1`] },
  { kong: 'nulls are unset (decK, db_export)', plugin: 'request-termination', config: { message: null, body: null, content_type: null, trigger: null }, want: 'ok' },

  // ── request-transformer ──
  {
    kong: 'request-transformer/schema.lua:124-141 fields',
    plugin: 'request-transformer',
    config: {
      http_method: 'POST',
      remove: { headers: ['x-a'], querystring: ['q'], body: ['b'] },
      rename: { headers: ['x-b:x-c'], body: ['p:q'] },
      replace: { uri: '/new/$(uri_captures.id)', headers: ['x-d:'] },
      add: { querystring: ['k:$(headers.host)'] },
      append: { body: ['k:v'] },
    },
    want: 'ok',
  },
  { kong: 'typedefs.lua:247-251 http_method match ^%u+$', plugin: 'request-transformer', config: { http_method: 'post' }, want: [`${C}.http_method: invalid value: post`] },
  { kong: 'request-transformer/schema.lua:29-41,61 validate_headers', plugin: 'request-transformer', config: { remove: { headers: ['bad header'] } }, want: [`${C}.remove.headers[0]: 'bad header' is not a valid header`] },
  { kong: 'request-transformer/schema.lua:44-46,105 validate_colon_headers', plugin: 'request-transformer', config: { rename: { headers: ['a:b c'] } }, want: [`${C}.rename.headers[0]: 'b c' is not a valid header`] },
  { kong: 'request-transformer/schema.lua:105 match ^[^:]+:.*$', plugin: 'request-transformer', config: { rename: { headers: ['nocolon'] } }, want: [`${C}.rename.headers[0]: invalid value: nocolon`] },
  { kong: 'request-transformer/schema.lua:13-17 check_for_value', plugin: 'request-transformer', config: { add: { body: ['k'] } }, want: [`${C}.add.body[0]: key 'k' has no value`] },
  { kong: 'request-transformer/schema.lua:13-17 check_for_value', plugin: 'request-transformer', config: { replace: { querystring: ['k:'] } }, want: [`${C}.replace.querystring[0]: key 'k' has no value`] },
  { kong: 'request-transformer/schema.lua:53 len_min 1', plugin: 'request-transformer', config: { remove: { body: [''] } }, want: [`${C}.remove.body[0]: length must be at least 1`] },
  { kong: 'request-transformer/schema.lua:120 uri len_min 1', plugin: 'request-transformer', config: { replace: { uri: '' } }, want: [`${C}.replace.uri: length must be at least 1`] },
  { kong: 'request-transformer/schema.lua:65-72 records are closed', plugin: 'request-transformer', config: { remove: { cookies: [] } }, want: [`${C}.remove.cookies: unknown field`] },
  {
    kong: 'sluice: templates are a safe subset (request-template.ts), others are refused',
    plugin: 'request-transformer',
    config: { add: { headers: ['x:$(os.time())'] } },
    want: [`${C}.add.headers[0]: value '$(os.time())' is not in supported format, error: sluice templates read headers, query_params, uri_captures or shared, got '$(os.time())'`],
  },
  {
    kong: 'sluice: a header value Node.js cannot send is refused (every proxied request would fail)',
    plugin: 'request-transformer',
    config: { append: { headers: ['x-a:a\u0001b'] } },
    want: [`${C}.append.headers[0]: cannot be sent: Invalid character in header content ["x-a"]`],
  },

  // ── response-transformer ──
  {
    kong: 'response-transformer/schema.lua:82-98 fields',
    plugin: 'response-transformer',
    config: { remove: { headers: ['any thing'], json: ['b'] }, rename: { headers: ['a:b'], json: ['c:d'] }, replace: { json: ['p:1'], json_types: ['number'] }, add: { headers: ['x:y'] } },
    want: 'ok',
  },
  { kong: 'response-transformer/schema.lua:24-29 len_min 1', plugin: 'response-transformer', config: { remove: { json: [''] } }, want: [`${C}.remove.json[0]: length must be at least 1`] },
  { kong: 'response-transformer/schema.lua:5-22,65-70 validate_colon_headers', plugin: 'response-transformer', config: { rename: { headers: ['a:b c'] } }, want: [`${C}.rename.headers[0]: 'b c' is not a valid header`] },
  { kong: 'response-transformer/schema.lua:36 match ^[^:]+:.*$', plugin: 'response-transformer', config: { add: { headers: ['novalue'], json: ['k'] } }, want: [`${C}.add.json[0]: invalid value: k`, `${C}.add.headers[0]: invalid value: novalue`] },
  { kong: 'response-transformer/schema.lua:58 one_of json types', plugin: 'response-transformer', config: { append: { json: ['a:1'], json_types: ['integer'] } }, want: [`${C}.append.json_types[0]: expected one of: boolean, number, string`] },
  { kong: 'response-transformer/schema.lua:40-46 records are closed (no if_status)', plugin: 'response-transformer', config: { add: { if_status: ['200'] } }, want: [`${C}.add.if_status: unknown field`] },
  {
    kong: 'sluice: a header name Node.js cannot send is refused (the response would never be answered)',
    plugin: 'response-transformer',
    config: { add: { headers: ['bad name:x'] } },
    want: [`${C}.add.headers[0]: cannot be sent: Header name must be a valid HTTP token ["bad name"]`],
  },

  // ── response-transformer-advanced (Kong Enterprise: docs.konghq.com/hub/kong-inc/response-transformer-advanced/configuration) ──
  {
    kong: 'RTA docs: the documented example',
    plugin: 'response-transformer-advanced',
    config: {
      remove: { headers: ['x-toremove', 'x-list:v1,v2', 'Set-Cookie:/JSESSIONID=.*/'], json: ['json-key'] },
      replace: { body: '{"error": "internal"}', if_status: ['500'] },
      add: { headers: ['x-new:value'], json: ['p1:-1'], json_types: ['number'], if_status: ['200-299'] },
      allow: { json: ['id'] },
      transform: { functions: ['(data) => data'] },
    },
    want: 'ok',
    has: { dots_in_keys: true },
  },
  { kong: 'RTA docs: rename.headers match ^[^:]+:.*$', plugin: 'response-transformer-advanced', config: { rename: { headers: ['nocolon'] } }, want: [`${C}.rename.headers[0]: invalid value: nocolon`] },
  { kong: 'RTA docs: rename.headers are header names', plugin: 'response-transformer-advanced', config: { rename: { headers: ['a:b c'] } }, want: [`${C}.rename.headers[0]: 'b c' is not a valid header`] },
  { kong: 'RTA docs: if_status codes', plugin: 'response-transformer-advanced', config: { add: { if_status: ['2xx'] } }, want: [`${C}.add.if_status: '2xx' is not a status code or a range of status codes (e.g. 500 or 200-299)`] },
  { kong: 'RTA docs: replace.body (len_min 1, init.lua:991)', plugin: 'response-transformer-advanced', config: { replace: { body: '' } }, want: [`${C}.replace.body: length must be at least 1`] },
  {
    kong: 'RTA docs: nested paths with dots_in_keys false',
    plugin: 'response-transformer-advanced',
    config: { remove: { json: ['a[x]'] }, dots_in_keys: false },
    want: [`${C}.remove.json[0]: invalid JSON path 'a[x]': array selector must be [*] or a positive index, got [x]`],
  },
  {
    kong: 'RTA docs: remove.headers `name:/regex/`',
    plugin: 'response-transformer-advanced',
    config: { remove: { headers: ['h:/(unclosed/'] } },
    want: [/^plugins\[0\]\.config\.remove\.headers\[0\]: 'h:\/\(unclosed\/' holds an invalid regular expression: /],
  },
  { kong: 'sluice: transform.json is refused, not ignored', plugin: 'response-transformer-advanced', config: { transform: { json: ['a'] } }, want: [`${C}.transform.json: not supported by sluice; select properties inside transform.functions instead`] },
  { kong: 'sluice: transform.functions are JavaScript, compiled at load', plugin: 'response-transformer-advanced', config: { transform: { functions: ['function (data) {'] } }, want: [/^plugins\[0\]\.config\.transform\.functions\[0\]: /] },
  { kong: 'sluice: an unsendable header is refused', plugin: 'response-transformer-advanced', config: { append: { headers: ['x-a:a\u0001b'] } }, want: [`${C}.append.headers[0]: cannot be sent: Invalid character in header content ["x-a"]`] },
  { kong: 'sluice extensions: rename.json and whitelist (pre-2.x name of allow)', plugin: 'response-transformer-advanced', config: { rename: { json: ['a:b'] }, whitelist: { json: ['id'] } }, want: 'ok' },
];

testPluginRows(rows);

// The one rule whose loosening lets a config through that sluice refused before: it must serve as Kong does.
t.test('jwt: maximum_expiration without claims_to_verify still limits the lifetime (jwt_parser.lua:454-465)', async (t) => {
  const { gw } = await gatewayWithService(t, '- name: max\n  paths: [/max]\n  plugins:\n    - name: jwt\n      config: { maximum_expiration: 60 }\n', {
    more: 'consumers:\n  - username: alice\n    jwt_secrets:\n      - key: alice\n        secret: s3cret\n',
  });
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const token = (claims: object) => {
    const input = `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64(claims)}`;
    return `${input}.${createHmac('sha256', 's3cret').update(input).digest('base64url')}`;
  };
  const get = (claims: object) => request(gw.port, '/max', { headers: { authorization: `Bearer ${token(claims)}` } });
  t.equal((await get({ iss: 'alice', exp: now + 30 })).status, 200, 'within the limit');
  const long = await get({ iss: 'alice', exp: now + 3600 });
  t.equal(long.status, 401, 'beyond the limit');
  t.same(long.json(), { exp: 'exceeds maximum allowed expiration' });
  t.equal((await get({ iss: 'alice' })).status, 401, 'no exp at all');
});
