import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import { atConfig, type PluginSchemaInfo } from '../types.js';
import { checkOrigins } from './origins.js';
import { KONG_VERSION } from '../../util/versions.js';

export const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

const strings = () => Type.Optional(Type.Array(Type.String({ minLength: 1 })));

/** kong/plugins/cors/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'cors',
  version: KONG_VERSION,
  priority: 2000,
  noConsumer: true,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      origins: strings(),
      headers: strings(),
      exposed_headers: strings(),
      methods: Type.Optional(Type.Array(enumOf(METHODS), { default: [...METHODS] })),
      max_age: Type.Optional(Type.Number()),
      credentials: Type.Optional(Type.Boolean({ default: false })),
      private_network: Type.Optional(Type.Boolean({ default: false })),
      preflight_continue: Type.Optional(Type.Boolean({ default: false })),
      allow_origin_absent: Type.Optional(Type.Boolean({ default: true })),
    },
    { additionalProperties: false, default: {} },
  ),
  configProblems(config) {
    // Kong: each origin is `*` or a regex (validate_asterisk_or_regex), reported at the entry.
    const origins = Array.isArray(config.origins) ? (config.origins as unknown[]) : [];
    for (let i = 0; i < origins.length; i++) {
      const err = checkOrigins([origins[i]]);
      if (err !== null) return atConfig(['origins', i], err);
    }
    return [];
  },
};
