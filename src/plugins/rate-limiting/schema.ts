import { Type, type TSchema } from '@sinclair/typebox';
import { isIP } from 'node:net';
import { enumOf, headerName, port } from '../../schema/typedefs.js';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import { hostWithoutPort } from '../log-common/schema-parts.js';
import { atConfig, type PluginProblem, type PluginSchemaInfo } from '../types.js';
import { PERIODS } from './windows.js';
import { KONG_VERSION } from '../../util/versions.js';

const optional = <T extends TSchema>(t: T) => Type.Optional(t);
const greaterThanZero = (opts: Record<string, unknown> = {}) =>
  Type.Number({ exclusiveMinimum: 0, 'x-error': { exclusiveMinimum: 'value must be greater than 0' }, ...opts });

/** typedefs.host: a host name or IP address; Kong says so first when a port was written with it. */
const redisHost = () => hostWithoutPort();
/** typedefs.timeout. */
const redisTimeout = (opts: Record<string, unknown> = {}) => Type.Integer({ minimum: 0, maximum: 2147483646, ...opts });

/** kong/tools/redis/schema.lua: the connection record shared by Kong's Redis-backed plugins. */
const redisRecord = Type.Object(
  {
    host: optional(redisHost()),
    port: optional(port(6379)),
    timeout: optional(redisTimeout({ default: 2000 })),
    username: optional(Type.String({ minLength: 1 })),
    password: optional(Type.String()),
    database: optional(Type.Integer({ default: 0 })),
    ssl: optional(Type.Boolean({ default: false })),
    ssl_verify: optional(Type.Boolean({ default: false })),
    // typedefs.sni; "must not be an IP" is checked below.
    server_name: optional(redisHost()),
  },
  { additionalProperties: false, default: {} },
);

/**
 * Kong's deprecated shorthands for config.redis.* (removed in 4.0), with the type of the field each stands for
 * (Kong translates them before validating, so their values meet the target's rules). The handler folds them in.
 */
const SHORTHANDS = {
  redis_host: redisHost(),
  redis_port: port(),
  redis_password: Type.String(),
  redis_username: Type.String({ minLength: 1 }),
  redis_ssl: Type.Boolean(),
  redis_ssl_verify: Type.Boolean(),
  redis_server_name: redisHost(),
  redis_timeout: redisTimeout(),
  redis_database: Type.Integer(),
} as const;

/** kong/plugins/rate-limiting/schema.lua (DB-less: policies local and redis). */
export const schema: PluginSchemaInfo = {
  name: 'rate-limiting',
  version: KONG_VERSION,
  priority: 910,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      second: optional(greaterThanZero()),
      minute: optional(greaterThanZero()),
      hour: optional(greaterThanZero()),
      day: optional(greaterThanZero()),
      month: optional(greaterThanZero()),
      year: optional(greaterThanZero()),
      limit_by: optional(enumOf(['consumer', 'credential', 'ip', 'service', 'header', 'path'], { default: 'consumer' })),
      header_name: optional(headerName()),
      // typedefs.path: its rules are checked below, in Kong's order, so the first one broken is the one named.
      path: optional(Type.String({ minLength: 1 })),
      policy: optional(enumOf(['local', 'redis'], { default: 'local' })),
      fault_tolerant: optional(Type.Boolean({ default: true })),
      redis: optional(redisRecord),
      hide_client_headers: optional(Type.Boolean({ default: false })),
      error_code: optional(greaterThanZero({ default: 429 })),
      error_message: optional(Type.String({ minLength: 1, default: 'API rate limit exceeded' })),
      sync_rate: optional(Type.Number({ default: -1 })),
      ...Object.fromEntries(Object.entries(SHORTHANDS).map(([k, t]) => [k, optional(t)])),
    },
    { additionalProperties: false, default: {} },
  ),
  configProblems: rateLimitingProblems,
};

/**
 * Kong's field rules, custom validator and entity checks for rate-limiting, with Kong's messages: the first
 * broken, field rules before the record's (Kong checks the fields, then the entity checks).
 */
export function rateLimitingProblems(config: Readonly<Record<string, unknown>>): readonly PluginProblem[] {
  const fields = fieldProblems(config);
  return fields.length > 0 ? fields : atConfig([], recordError(config));
}

function fieldProblems(config: Readonly<Record<string, unknown>>): readonly PluginProblem[] {
  const redis = (config.redis ?? {}) as Record<string, unknown>;
  const path = pathError(config.path);
  if (path !== null) return atConfig(['path'], path);
  if (isIP(String(redis.server_name ?? '')) !== 0) return atConfig(['redis', 'server_name'], 'must not be an IP');
  if (isIP(String(config.redis_server_name ?? '')) !== 0) return atConfig(['redis_server_name'], 'must not be an IP');
  return shorthandMismatch(config, redis);
}

function recordError(config: Readonly<Record<string, unknown>>): string | null {
  const num = (k: string) => (typeof config[k] === 'number' ? (config[k] as number) : null);
  const redis = (config.redis ?? {}) as Record<string, unknown>;
  if (PERIODS.every((p) => num(p) === null)) {
    return `at least one of these fields must be non-empty: ${PERIODS.map((p) => `'config.${p}'`).join(', ')}`;
  }
  for (let i = 0; i < PERIODS.length; i++) {
    const lower = num(PERIODS[i]!);
    if (lower === null) continue;
    for (let j = i + 1; j < PERIODS.length; j++) {
      const upper = num(PERIODS[j]!);
      if (upper !== null && upper < lower) {
        return `The limit for ${PERIODS[j]}(${upper.toFixed(1)}) cannot be lower than the limit for ${PERIODS[i]}(${lower.toFixed(1)})`;
      }
    }
  }
  const syncRate = num('sync_rate') ?? -1;
  if (config.policy !== 'redis' && syncRate !== -1) return 'sync_rate can only be used with the redis policy';
  if (config.policy === 'redis' && syncRate !== -1 && syncRate < 0.02) return 'sync_rate must be greater than 0.02, or -1 to disable';
  if (config.policy === 'redis' && redis.host == null && config.redis_host == null) {
    return "failed conditional validation given value of field 'config.policy': 'config.redis.host' is required";
  }
  if (config.limit_by === 'header' && config.header_name == null) {
    return "failed conditional validation given value of field 'config.limit_by': 'config.header_name' is required";
  }
  if (config.limit_by === 'path' && config.path == null) {
    return "failed conditional validation given value of field 'config.limit_by': 'config.path' is required";
  }
  return null;
}

/** typedefs.path, in Kong's order: starts_with, match_none `//`, then validate_path (RFC 3986, percent-encoding). */
function pathError(path: unknown): string | null {
  if (typeof path !== 'string') return null;
  if (!path.startsWith('/')) return 'should start with: /';
  if (path.includes('//')) return 'must not have empty segments';
  if (!/^\/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$/.test(path)) {
    return `invalid path: '${path}' (characters outside of the reserved list of RFC 3986 found)`;
  }
  const raw = path.replace(/%[0-9A-Fa-f]{2}/g, '___');
  const bad = raw.indexOf('%');
  return bad < 0 ? null : `invalid url-encoded value: '${raw.slice(bad, bad + 3)}'`;
}

/**
 * Kong refuses a shorthand beside its config.redis field when the two differ. A redis field equal to its default
 * may be the default itself (sluice has filled defaults by now), so only a differing non-default value counts.
 */
function shorthandMismatch(config: Readonly<Record<string, unknown>>, redis: Readonly<Record<string, unknown>>): readonly PluginProblem[] {
  const props = redisRecord.properties as Record<string, { default?: unknown }>;
  for (const short of Object.keys(SHORTHANDS)) {
    const field = short.slice('redis_'.length);
    const old = config[short];
    const now = redis[field];
    if (old == null || now == null || now === old || now === props[field]?.default) continue;
    return atConfig([short], `both deprecated and new field are used but their values mismatch: ${short} = ${String(old)} vs redis.${field} = ${String(now)}`);
  }
  return [];
}
