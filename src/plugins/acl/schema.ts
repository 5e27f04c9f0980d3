import { Type } from '@sinclair/typebox';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

export interface AclConfig {
  allow?: string[] | null;
  deny?: string[] | null;
  hide_groups_header: boolean;
  always_use_authenticated_groups: boolean;
}

// Kong's is_nonempty for a list: given, not null, at least one entry.
const filled = (field: string) => ({ required: [field], properties: { [field]: { type: 'array', minItems: 1 } } });
const FIELDS = "'config.allow', 'config.deny'";

/**
 * kong/plugins/acl/schema.lua. Its two entity checks are JSON Schema here, so the loader reports both, as Kong
 * does: only_one_of (Kong fills absent fields with null, so it always runs: neither list, or both, fail it) and
 * at_least_one_of.
 */
export const schema: PluginSchemaInfo = {
  name: 'acl',
  version: KONG_VERSION,
  priority: 950,
  noConsumer: true,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      allow: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
      deny: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
      hide_groups_header: Type.Optional(Type.Boolean({ default: false })),
      always_use_authenticated_groups: Type.Optional(Type.Boolean({ default: false })),
    },
    {
      additionalProperties: false,
      default: {},
      allOf: [
        {
          not: { anyOf: [{ allOf: [filled('allow'), filled('deny')] }, { not: { anyOf: [filled('allow'), filled('deny')] } }] },
          'x-error': { not: `exactly one of these fields must be non-empty: ${FIELDS}` },
        },
        { anyOf: [filled('allow'), filled('deny')], 'x-error': { anyOf: `at least one of these fields must be non-empty: ${FIELDS}` } },
      ],
    },
  ),
};
