import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import { anonymous, HTTP_PROTOCOLS, nullable, realm, stringSet } from '../auth/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

export interface JwtConfig {
  uri_param_names: string[];
  cookie_names: string[];
  key_claim_name: string;
  secret_is_base64: boolean;
  claims_to_verify?: ('exp' | 'nbf')[] | null;
  anonymous?: string | null;
  run_on_preflight: boolean;
  maximum_expiration: number;
  header_names: string[];
  realm?: string | null;
}

/** kong/plugins/jwt/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'jwt',
  version: KONG_VERSION,
  priority: 1450,
  noConsumer: true,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      uri_param_names: Type.Optional(stringSet(['jwt'])),
      cookie_names: Type.Optional(stringSet([])),
      key_claim_name: Type.Optional(Type.String({ minLength: 1, default: 'iss' })),
      secret_is_base64: Type.Optional(Type.Boolean({ default: false })),
      claims_to_verify: nullable(Type.Array(enumOf(['exp', 'nbf'] as const), { 'x-set': true })),
      anonymous: anonymous(),
      run_on_preflight: Type.Optional(Type.Boolean({ default: true })),
      maximum_expiration: Type.Optional(Type.Number({ minimum: 0, maximum: 31536000, default: 0 })),
      header_names: Type.Optional(stringSet(['authorization'])),
      realm: realm(),
    },
    { additionalProperties: false, default: {} },
  ),
  check(config) {
    // Kong: a lifetime limit only makes sense when exp itself is verified.
    const max = config.maximum_expiration;
    const claims = config.claims_to_verify;
    if (typeof max === 'number' && max > 0 && !(Array.isArray(claims) && claims.includes('exp'))) {
      return "failed conditional validation given value of field 'config.maximum_expiration'";
    }
    return null;
  },
};
