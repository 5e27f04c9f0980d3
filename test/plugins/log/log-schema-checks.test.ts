/**
 * Every check Kong 3.x makes on file-log, tcp-log, udp-log, syslog and statsd (kong/plugins/<name>/schema.lua,
 * typedefs.lua; the statsd and file-log rows are Kong's own spec rows, 06-statsd/02-schema_spec.lua and
 * 04-file-log/02-schema_spec.lua), through the real loader, positive and negative, with Kong's defaults. Rows
 * marked "sluice:" are sluice's own refusals of a value it could not serve. Line numbers are Kong's master at
 * 22246ef.
 */
import { DEFAULT_METRICS } from '../../../src/plugins/statsd/schema.js';
import { type PluginRow, testPluginRows } from '../../helpers/plugin-rows.js';


const C = 'plugins[0].config';
const BAD_FILENAME = [`${C}.path: not a valid filename`];
const SEVERITIES = 'debug, info, notice, warning, err, crit, alert, emerg';
const METRIC_NAMES =
  'kong_latency, latency, request_count, request_per_user, request_size, response_size, status_count, status_count_per_user, unique_users, upstream_latency, status_count_per_workspace, status_count_per_user_per_route, shdict_usage';
const tcp = { host: 'logs.test', port: 5000 };
const metric = (m: Record<string, unknown>) => ({ metrics: [m] });

const rows: PluginRow[] = [
  // ── file-log (schema.lua:9-16; spec 02-schema_spec.lua) ──
  { kong: 'file-log spec: path is required', plugin: 'file-log', config: { reopen: true }, want: [`${C}.path: required field missing`] },
  { kong: 'file-log spec: rejects *', plugin: 'file-log', config: { path: '/ovo*', reopen: true }, want: BAD_FILENAME },
  { kong: 'file-log spec: rejects `', plugin: 'file-log', config: { path: '/ovo`', reopen: true }, want: BAD_FILENAME },
  { kong: 'file-log spec: rejects &', plugin: 'file-log', config: { path: 'test&thing', reopen: true }, want: BAD_FILENAME },
  { kong: 'file-log spec: rejects %', plugin: 'file-log', config: { path: 'test%thing', reopen: true }, want: BAD_FILENAME },
  { kong: 'file-log spec: rejects \\', plugin: 'file-log', config: { path: 'test\\thing', reopen: true }, want: BAD_FILENAME },
  { kong: 'file-log spec: leading white space', plugin: 'file-log', config: { path: ' /ovo', reopen: true }, want: BAD_FILENAME },
  { kong: 'file-log spec: trailing white space', plugin: 'file-log', config: { path: '/ovo  ', reopen: true }, want: BAD_FILENAME },
  { kong: 'file-log schema.lua:11 match: one character matches neither end', plugin: 'file-log', config: { path: 'a' }, want: BAD_FILENAME },
  { kong: 'file-log spec: a space inside', plugin: 'file-log', config: { path: '/o vo.loga', reopen: true }, want: 'ok' },
  { kong: 'file-log spec: valid filename; schema.lua:15 reopen default', plugin: 'file-log', config: { path: '/tmp/log.txt' }, want: 'ok', has: { reopen: false } },
  { kong: 'file-log spec: custom fields by lua', plugin: 'file-log', config: { path: '/tmp/log.txt', custom_fields_by_lua: { foo: "return 'bar'" } }, want: 'ok' },
  { kong: 'typedefs.lua:900-905 lua_code: `return nil` removes a field', plugin: 'file-log', config: { path: '/tmp/l', custom_fields_by_lua: { 'request.headers.authorization': 'return nil' } }, want: 'ok' },
  { kong: 'typedefs.lua:903 lua_code values len_min 1', plugin: 'file-log', config: { path: '/tmp/l', custom_fields_by_lua: { foo: '' } }, want: [`${C}.custom_fields_by_lua.foo: length must be at least 1`] },
  {
    kong: 'typedefs.lua:903 validate_lua_expression: a chunk that does not compile',
    plugin: 'file-log',
    config: { path: '/tmp/l', custom_fields_by_lua: { foo: 'return (' } },
    want: [/^plugins\[0\]\.config\.custom_fields_by_lua\.foo: Lua syntax error: /],
  },
  {
    kong: 'typedefs.lua:903 lua_code: a Lua-only chunk is accepted (it runs in the Lua engine)',
    plugin: 'file-log',
    config: { path: '/tmp/l', custom_fields_by_lua: { foo: 'return "a" .. ngx.var.uri', bar: 'local h = kong.request.get_headers() return h["x-a"]' } },
    want: 'ok',
  },

  // ── tcp-log (schema.lua:9-17) ──
  { kong: 'tcp-log schema.lua:11-15 defaults', plugin: 'tcp-log', config: tcp, want: 'ok', has: { timeout: 10000, keepalive: 60000, tls: false } },
  { kong: 'tcp-log schema.lua:11 host required', plugin: 'tcp-log', config: { port: 1 }, want: [`${C}.host: required field missing`] },
  { kong: 'tcp-log schema.lua:12 port required', plugin: 'tcp-log', config: { host: 'a.test' }, want: [`${C}.port: required field missing`] },
  { kong: 'typedefs.lua:24-35 validate_host: must not have a port', plugin: 'tcp-log', config: { host: 'a.test:80', port: 1 }, want: [`${C}.host: must not have a port`] },
  { kong: 'typedefs.lua:24-35 validate_host: invalid value', plugin: 'tcp-log', config: { host: 'bad host', port: 1 }, want: [`${C}.host: invalid value: bad host`] },
  { kong: 'typedefs.lua:311-315 port between 0 and 65535', plugin: 'tcp-log', config: { host: 'a.test', port: 70000 }, want: [`${C}.port: value should be between 0 and 65535`] },
  { kong: 'tcp-log schema.lua:15 tls boolean', plugin: 'tcp-log', config: { ...tcp, tls: 'yes' }, want: [`${C}.tls: expected a boolean`] },
  { kong: 'tcp-log schema.lua:16 tls_sni string', plugin: 'tcp-log', config: { ...tcp, tls: true, tls_sni: 'logs.example.test' }, want: 'ok' },
  { kong: 'tcp-log schema.lua:13 timeout number', plugin: 'tcp-log', config: { ...tcp, timeout: 'soon' }, want: [`${C}.timeout: expected a number`] },

  // ── udp-log (schema.lua:9-13) ──
  { kong: 'udp-log schema.lua:11-12 defaults', plugin: 'udp-log', config: tcp, want: 'ok', has: { timeout: 10000 } },
  { kong: 'udp-log schema.lua:10 host required', plugin: 'udp-log', config: { port: 1 }, want: [`${C}.host: required field missing`] },
  { kong: 'udp-log: an IPv6 address is a host', plugin: 'udp-log', config: { host: '::1', port: 9 }, want: 'ok' },

  // ── syslog (schema.lua:3-35) ──
  {
    kong: 'syslog schema.lua:3-35 defaults',
    plugin: 'syslog',
    config: {},
    want: 'ok',
    has: { log_level: 'info', successful_severity: 'info', client_errors_severity: 'info', server_errors_severity: 'info', facility: 'user' },
  },
  { kong: 'syslog schema.lua:7-8 severity one_of', plugin: 'syslog', config: { log_level: 'warn' }, want: [`${C}.log_level: expected one of: ${SEVERITIES}`] },
  { kong: 'syslog schema.lua:7-8 severity one_of', plugin: 'syslog', config: { server_errors_severity: 'fatal' }, want: [`${C}.server_errors_severity: expected one of: ${SEVERITIES}`] },
  {
    kong: 'syslog schema.lua:11-19 facility one_of',
    plugin: 'syslog',
    config: { facility: 'local8' },
    want: [`${C}.facility: expected one of: auth, authpriv, cron, daemon, ftp, kern, lpr, mail, news, syslog, user, uucp, local0, local1, local2, local3, local4, local5, local6, local7`],
  },

  // ── statsd (schema.lua; spec 02-schema_spec.lua) ──
  {
    kong: 'statsd spec: accepts empty config; schema.lua defaults',
    plugin: 'statsd',
    config: {},
    want: 'ok',
    has: {
      host: 'localhost',
      port: 8125,
      prefix: 'kong',
      metrics: DEFAULT_METRICS,
      udp_packet_size: 0,
      use_tcp: false,
      hostname_in_prefix: false,
      consumer_identifier_default: 'custom_id',
      service_identifier_default: 'service_name_or_host',
      workspace_identifier_default: 'workspace_id',
      queue: { max_batch_size: 1, max_coalescing_delay: 1 },
    },
  },
  { kong: 'statsd spec: accepts empty metrics', plugin: 'statsd', config: { metrics: [] }, want: 'ok' },
  { kong: 'statsd spec: accepts just one metric', plugin: 'statsd', config: metric({ name: 'request_count', stat_type: 'counter', sample_rate: 1 }), want: 'ok' },
  {
    kong: "statsd spec: rejects a metric without stat_type (Kong words it 'field required for entity check')",
    plugin: 'statsd',
    config: metric({ name: 'request_count', sample_rate: 1 }),
    want: [`${C}.metrics[0].stat_type: required field missing`],
  },
  { kong: 'statsd spec: rejects a metric without name', plugin: 'statsd', config: metric({ stat_type: 'counter', sample_rate: 1 }), want: [`${C}.metrics[0].name: required field missing`] },
  { kong: 'statsd spec: rejects counters without sample rate', plugin: 'statsd', config: metric({ name: 'request_count', stat_type: 'counter' }), want: [`${C}.metrics[0].sample_rate: required field missing`] },
  { kong: 'statsd schema.lua:178-184 conditional: gauges need a sample rate', plugin: 'statsd', config: metric({ name: 'latency', stat_type: 'gauge' }), want: [`${C}.metrics[0].sample_rate: required field missing`] },
  { kong: 'statsd schema.lua:178-184 conditional: timers do not', plugin: 'statsd', config: metric({ name: 'latency', stat_type: 'timer' }), want: 'ok' },
  { kong: 'statsd spec: rejects invalid metrics name', plugin: 'statsd', config: metric({ name: 'invalid_name', stat_type: 'timer' }), want: [`${C}.metrics[0].name: expected one of: ${METRIC_NAMES}`] },
  {
    kong: 'statsd spec: rejects invalid stat type',
    plugin: 'statsd',
    config: metric({ name: 'request_count', stat_type: 'invalid_stat' }),
    want: [`${C}.metrics[0].stat_type: expected one of: counter, gauge, histogram, meter, set, timer`],
  },
  { kong: 'statsd schema.lua:172 sample_rate gt 0', plugin: 'statsd', config: metric({ name: 'request_count', stat_type: 'counter', sample_rate: 0 }), want: [`${C}.metrics[0].sample_rate: value must be greater than 0`] },
  {
    kong: 'statsd spec: rejects invalid service identifier',
    plugin: 'statsd',
    config: metric({ name: 'status_count', stat_type: 'counter', sample_rate: 1, service_identifier: 'fooo' }),
    want: [`${C}.metrics[0].service_identifier: expected one of: service_id, service_name, service_host, service_name_or_host`],
  },
  { kong: 'statsd spec: accepts valid service identifier', plugin: 'statsd', config: metric({ name: 'status_count', stat_type: 'counter', sample_rate: 1, service_identifier: 'service_id' }), want: 'ok' },
  {
    kong: 'statsd spec: rejects invalid workspace identifier',
    plugin: 'statsd',
    config: metric({ name: 'status_count_per_workspace', stat_type: 'counter', sample_rate: 1, workspace_identifier: 'fooo' }),
    want: [`${C}.metrics[0].workspace_identifier: expected one of: workspace_id, workspace_name`],
  },
  {
    kong: 'statsd schema.lua:173 consumer_identifier one_of',
    plugin: 'statsd',
    config: metric({ name: 'unique_users', stat_type: 'set', consumer_identifier: 'email' }),
    want: [`${C}.metrics[0].consumer_identifier: expected one of: consumer_id, custom_id, username`],
  },
  { kong: 'statsd spec: accepts empty allow_status_codes', plugin: 'statsd', config: { allow_status_codes: [] }, want: 'ok' },
  { kong: 'statsd spec: accepts status code ranges', plugin: 'statsd', config: { allow_status_codes: ['200-299', '300-399'] }, want: 'ok' },
  { kong: 'statsd spec: rejects alphabet values', plugin: 'statsd', config: { allow_status_codes: ['test'] }, want: [`${C}.allow_status_codes[0]: invalid value: test`] },
  { kong: 'statsd spec: rejects special characters', plugin: 'statsd', config: { allow_status_codes: ['$%%'] }, want: [`${C}.allow_status_codes[0]: invalid value: $%%`] },
  { kong: 'statsd spec: rejects test-test', plugin: 'statsd', config: { allow_status_codes: ['test-test'] }, want: [`${C}.allow_status_codes[0]: invalid value: test-test`] },
  {
    kong: 'statsd spec: rejects mixed alphanumeric ranges',
    plugin: 'statsd',
    config: { allow_status_codes: ['test-299', '300-test'] },
    want: [`${C}.allow_status_codes[0]: invalid value: test-299`, `${C}.allow_status_codes[1]: invalid value: 300-test`],
  },
  { kong: 'statsd spec: rejects one invalid range among valid ones', plugin: 'statsd', config: { allow_status_codes: ['200-300', 'test-test'] }, want: [`${C}.allow_status_codes[1]: invalid value: test-test`] },
  {
    kong: 'statsd spec: rejects codes without a dash',
    plugin: 'statsd',
    config: { allow_status_codes: ['200', '299'] },
    want: [`${C}.allow_status_codes[0]: invalid value: 200`, `${C}.allow_status_codes[1]: invalid value: 299`],
  },
  { kong: 'statsd spec: accepts valid udp_packet_size', plugin: 'statsd', config: { udp_packet_size: 10000 }, want: 'ok' },
  { kong: 'statsd spec: rejects udp_packet_size -1', plugin: 'statsd', config: { udp_packet_size: -1 }, want: [`${C}.udp_packet_size: value should be between 0 and 65507`] },
  { kong: 'statsd spec: rejects udp_packet_size "a"', plugin: 'statsd', config: { udp_packet_size: 'a' }, want: [`${C}.udp_packet_size: expected a number`] },
  { kong: 'statsd spec: rejects udp_packet_size 65508', plugin: 'statsd', config: { udp_packet_size: 65508 }, want: [`${C}.udp_packet_size: value should be between 0 and 65507`] },
  { kong: 'statsd spec: accepts valid identifier defaults', plugin: 'statsd', config: { consumer_identifier_default: 'consumer_id', service_identifier_default: 'service_id', workspace_identifier_default: 'workspace_id' }, want: 'ok' },
  {
    kong: 'statsd spec: rejects invalid identifier defaults',
    plugin: 'statsd',
    config: { consumer_identifier_default: 'invalid type', service_identifier_default: 'invalid type', workspace_identifier_default: 'invalid type' },
    want: [
      `${C}.consumer_identifier_default: expected one of: consumer_id, custom_id, username`,
      `${C}.service_identifier_default: expected one of: service_id, service_name, service_host, service_name_or_host`,
      `${C}.workspace_identifier_default: expected one of: workspace_id, workspace_name`,
    ],
  },
  ...['dogstatsd', 'influxdb', 'librato', 'signalfx'].map((style): PluginRow => ({ kong: `statsd spec: accepts tag_style ${style}`, plugin: 'statsd', config: { tag_style: style }, want: 'ok' })),
  { kong: 'statsd spec: rejects invalid tag_style', plugin: 'statsd', config: { tag_style: 'invalid type' }, want: [`${C}.tag_style: expected one of: dogstatsd, influxdb, librato, signalfx`] },
  { kong: 'statsd schema.lua:160 host typedef', plugin: 'statsd', config: { host: 'statsd.test:8125' }, want: [`${C}.host: must not have a port`] },
  { kong: 'statsd schema.lua:200-220 deprecated queue_size still accepted', plugin: 'statsd', config: { queue_size: 5, flush_timeout: 1, retry_count: 3 }, want: 'ok' },
];

testPluginRows(rows);
