import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import { KONG_VERSION } from '../../util/versions.js';
import { checkCustomFields, customFieldsByLua } from '../log-common/custom-fields.js';
import { fieldPrefixed, type PluginSchemaInfo } from '../types.js';

/** syslog(3) severities, most severe first: the value is the RFC 5424 code (kong/plugins/syslog/handler.lua). */
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** syslog(3) facilities with their RFC 5424 codes. */
export const FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;
export type Facility = keyof typeof FACILITIES;

// Kong lists them in this order in its one_of messages.
const SEVERITY_NAMES = ['debug', 'info', 'notice', 'warning', 'err', 'crit', 'alert', 'emerg'] as const;
const FACILITY_NAMES = [
  'auth', 'authpriv', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog', 'user', 'uucp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

const severity = () => Type.Optional(enumOf(SEVERITY_NAMES, { default: 'info' }));

/** kong/plugins/syslog/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'syslog',
  version: KONG_VERSION,
  priority: 4,
  // Kong: typedefs.protocols, so every protocol (the default is the http set).
  config: Type.Object(
    {
      log_level: severity(),
      successful_severity: severity(),
      client_errors_severity: severity(),
      server_errors_severity: severity(),
      custom_fields_by_lua: Type.Optional(customFieldsByLua()),
      facility: Type.Optional(enumOf(FACILITY_NAMES, { default: 'user' })),
    },
    { additionalProperties: false, default: {} },
  ),
  configProblems: (config) => fieldPrefixed(config, checkCustomFields(config)),
};
