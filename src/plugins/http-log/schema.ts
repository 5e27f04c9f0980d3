import { Type } from '@sinclair/typebox';
import { KONG_VERSION } from '../../util/versions.js';
import { checkCustomFields, customFieldsByLua } from '../log-common/custom-fields.js';
import { queueConfig } from '../queue/schema.js';
import { atConfig, fieldPrefixed, type PluginSchemaInfo } from '../types.js';

// Kong's header_name match_none for http-log headers: the plugin sets these itself.
const OWN_HEADERS: Readonly<Record<string, string>> = { host: 'Host', 'content-length': 'Content-Length', 'content-type': 'Content-Type' };
const HEADER_NAME = /^[a-zA-Z0-9-_]+$/;

/** kong/plugins/http-log/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'http-log',
  version: KONG_VERSION,
  priority: 12,
  config: Type.Object(
    {
      http_endpoint: Type.String({
        pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+',
        'x-error': { pattern: 'missing host in url' },
      }),
      method: Type.Optional(Type.String({ enum: ['POST', 'PUT', 'PATCH'], default: 'POST' })),
      content_type: Type.Optional(Type.String({ enum: ['application/json', 'application/json; charset=utf-8'], default: 'application/json' })),
      timeout: Type.Optional(Type.Number({ default: 10000 })),
      keepalive: Type.Optional(Type.Number({ default: 60000 })),
      // Deprecated in Kong 3.x (removal in 4.0), still accepted: retry_count does nothing, the others move onto queue.
      retry_count: Type.Optional(Type.Integer()),
      queue_size: Type.Optional(Type.Integer()),
      flush_timeout: Type.Optional(Type.Number()),
      headers: Type.Optional(Type.Record(Type.String(), Type.String())),
      queue: Type.Optional(queueConfig()),
      custom_fields_by_lua: Type.Optional(customFieldsByLua()),
    },
    { additionalProperties: false },
  ),
  configProblems(config) {
    const headers = (config.headers ?? {}) as Record<string, string>;
    for (const name of Object.keys(headers)) {
      const own = OWN_HEADERS[name.toLowerCase()];
      if (own !== undefined) return atConfig(['headers'], `cannot contain '${own}' header`);
      if (!HEADER_NAME.test(name)) return atConfig(['headers'], `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`);
    }
    const endpoint = String(config.http_endpoint);
    const userinfo = /^[a-z]+:\/\/([^@/?#]+)@/i.test(endpoint);
    if (userinfo && Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      return atConfig([], "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed");
    }
    try {
      new URL(endpoint);
    } catch {
      return atConfig(['http_endpoint'], `invalid url '${endpoint}'`);
    }
    return fieldPrefixed(config, checkCustomFields(config));
  },
};
