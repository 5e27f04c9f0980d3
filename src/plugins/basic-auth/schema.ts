import { Type } from '@sinclair/typebox';
import { anonymous, HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

export interface BasicAuthConfig {
  anonymous?: string | null;
  hide_credentials: boolean;
  realm: string;
}

/** kong/plugins/basic-auth/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'basic-auth',
  version: KONG_VERSION,
  priority: 1100,
  noConsumer: true,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      anonymous: anonymous(),
      hide_credentials: Type.Optional(Type.Boolean({ default: false })),
      realm: Type.Optional(Type.String({ minLength: 1, default: 'service' })),
    },
    { additionalProperties: false, default: {} },
  ),
};
