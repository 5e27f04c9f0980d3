import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import { anonymous, HTTP_PROTOCOLS, realm } from '../auth/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

export const HMAC_ALGORITHMS = ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

export interface HmacAuthConfig {
  hide_credentials: boolean;
  clock_skew: number;
  anonymous?: string | null;
  validate_request_body: boolean;
  enforce_headers: string[];
  algorithms: HmacAlgorithm[];
  realm?: string | null;
}

/** kong/plugins/hmac-auth/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'hmac-auth',
  version: KONG_VERSION,
  priority: 1030,
  noConsumer: true,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      hide_credentials: Type.Optional(Type.Boolean({ default: false })),
      clock_skew: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 300, 'x-error': { exclusiveMinimum: 'value must be greater than 0' } })),
      anonymous: anonymous(),
      validate_request_body: Type.Optional(Type.Boolean({ default: false })),
      enforce_headers: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] })),
      algorithms: Type.Optional(Type.Array(enumOf(HMAC_ALGORITHMS), { default: [...HMAC_ALGORITHMS] })),
      realm: realm(),
    },
    { additionalProperties: false, default: {} },
  ),
};
