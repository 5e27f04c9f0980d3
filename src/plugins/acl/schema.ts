import { Type } from '@sinclair/typebox';
import { HTTP_PROTOCOLS, nullable } from '../auth/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

export interface AclConfig {
  allow?: string[] | null;
  deny?: string[] | null;
  hide_groups_header: boolean;
  always_use_authenticated_groups: boolean;
}

const nonEmpty = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

/** kong/plugins/acl/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'acl',
  version: KONG_VERSION,
  priority: 950,
  noConsumer: true,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      allow: nullable(Type.Array(Type.String({ minLength: 1 }))),
      deny: nullable(Type.Array(Type.String({ minLength: 1 }))),
      hide_groups_header: Type.Optional(Type.Boolean({ default: false })),
      always_use_authenticated_groups: Type.Optional(Type.Boolean({ default: false })),
    },
    { additionalProperties: false, default: {} },
  ),
  check(config) {
    const fields = "'config.allow', 'config.deny'";
    // Kong's only_one_of runs only when both fields are given; at_least_one_of always.
    if (config.allow != null && config.deny != null && nonEmpty(config.allow) === nonEmpty(config.deny)) {
      return `exactly one of these fields must be non-empty: ${fields}`;
    }
    if (!nonEmpty(config.allow) && !nonEmpty(config.deny)) return `at least one of these fields must be non-empty: ${fields}`;
    return null;
  },
};
