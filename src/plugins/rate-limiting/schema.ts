import { Type, type TSchema } from '@sinclair/typebox';
import { enumOf, headerName, path } from '../../schema/typedefs.js';
import type { PluginSchemaInfo } from '../types.js';
import { PERIODS } from './windows.js';
import { KONG_VERSION } from '../../util/versions.js';

const nullable = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const limit = () => nullable(Type.Number({ exclusiveMinimum: 0 }));

/** kong/tools/redis/schema.lua: the connection record shared by Kong's Redis-backed plugins. */
const redisRecord = Type.Object(
  {
    host: nullable(Type.String({ minLength: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, default: 6379 })),
    timeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483646, default: 2000 })),
    username: nullable(Type.String()),
    password: nullable(Type.String()),
    database: Type.Optional(Type.Integer({ default: 0 })),
    ssl: Type.Optional(Type.Boolean({ default: false })),
    ssl_verify: Type.Optional(Type.Boolean({ default: false })),
    server_name: nullable(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, default: {} },
);

/** kong/plugins/rate-limiting/schema.lua (DB-less: policies local and redis). */
export const schema: PluginSchemaInfo = {
  name: 'rate-limiting',
  version: KONG_VERSION,
  priority: 910,
  protocols: ['http', 'https'],
  config: Type.Object(
    {
      second: limit(),
      minute: limit(),
      hour: limit(),
      day: limit(),
      month: limit(),
      year: limit(),
      limit_by: Type.Optional(enumOf(['consumer', 'credential', 'ip', 'service', 'header', 'path'], { default: 'consumer' })),
      header_name: nullable(headerName()),
      path: nullable(path()),
      policy: Type.Optional(enumOf(['local', 'redis'], { default: 'local' })),
      fault_tolerant: Type.Optional(Type.Boolean({ default: true })),
      redis: Type.Optional(redisRecord),
      hide_client_headers: Type.Optional(Type.Boolean({ default: false })),
      error_code: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 429 })),
      error_message: Type.Optional(Type.String({ default: 'API rate limit exceeded' })),
      sync_rate: Type.Optional(Type.Number({ default: -1 })),
      // Kong's deprecated shorthands for config.redis.* (removed in 4.0); the handler folds them in.
      redis_host: nullable(Type.String()),
      redis_port: nullable(Type.Integer()),
      redis_password: nullable(Type.String()),
      redis_username: nullable(Type.String()),
      redis_ssl: nullable(Type.Boolean()),
      redis_ssl_verify: nullable(Type.Boolean()),
      redis_server_name: nullable(Type.String()),
      redis_timeout: nullable(Type.Integer()),
      redis_database: nullable(Type.Integer()),
    },
    { additionalProperties: false, default: {} },
  ),
  check: checkRateLimiting,
};

/** Kong's entity checks and custom validator for rate-limiting, with Kong's messages. */
export function checkRateLimiting(config: Readonly<Record<string, unknown>>): string | null {
  const num = (k: string) => (typeof config[k] === 'number' ? (config[k] as number) : null);
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
  const redis = (config.redis ?? {}) as Record<string, unknown>;
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
