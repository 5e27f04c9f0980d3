import { Type } from '@sinclair/typebox';
import { anonymous, headerNames, HTTP_PROTOCOLS, realm } from '../auth/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

export interface KeyAuthConfig {
  key_names: string[];
  hide_credentials: boolean;
  anonymous?: string | null;
  key_in_header: boolean;
  key_in_query: boolean;
  key_in_body: boolean;
  run_on_preflight: boolean;
  realm?: string | null;
}

/** kong/plugins/key-auth/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'key-auth',
  version: KONG_VERSION,
  priority: 1250,
  noConsumer: true,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      key_names: Type.Optional(headerNames(['apikey'])),
      hide_credentials: Type.Optional(Type.Boolean({ default: false })),
      anonymous: anonymous(),
      key_in_header: Type.Optional(Type.Boolean({ default: true })),
      key_in_query: Type.Optional(Type.Boolean({ default: true })),
      key_in_body: Type.Optional(Type.Boolean({ default: false })),
      run_on_preflight: Type.Optional(Type.Boolean({ default: true })),
      realm: realm(),
    },
    { additionalProperties: false, default: {} },
  ),
};
