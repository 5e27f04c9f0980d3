import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import { anonymous, HTTP_PROTOCOLS, realm, stringSet } from '../auth/schema-parts.js';
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

/**
 * kong/plugins/jwt/schema.lua. Its conditional entity check is JSON Schema here: a maximum_expiration above 0
 * needs `exp` among claims_to_verify when that list is given. An absent (null) list passes, as in Kong (a
 * `contains` match on a null, non-required field validates); the handler then still refuses a token without
 * `exp` (jwt_parser.lua check_maximum_expiration).
 */
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
      claims_to_verify: Type.Optional(Type.Array(enumOf(['exp', 'nbf'] as const), { 'x-set': true })),
      anonymous: anonymous(),
      run_on_preflight: Type.Optional(Type.Boolean({ default: true })),
      maximum_expiration: Type.Optional(Type.Number({ minimum: 0, maximum: 31536000, default: 0 })),
      header_names: Type.Optional(stringSet(['authorization'])),
      realm: realm(),
    },
    {
      additionalProperties: false,
      default: {},
      if: { required: ['maximum_expiration'], properties: { maximum_expiration: { type: 'number', exclusiveMinimum: 0 } } },
      then: {
        // Kong reports the field (`expected to contain: exp`) and the entity (`failed conditional validation`).
        properties: { claims_to_verify: { not: { not: { contains: { const: 'exp' } } }, 'x-error': { not: 'expected to contain: exp' } } },
        not: { required: ['claims_to_verify'], properties: { claims_to_verify: { type: 'array', not: { contains: { const: 'exp' } } } } },
        'x-error': { not: "failed conditional validation given value of field 'config.maximum_expiration'" },
      },
    },
  ),
};
