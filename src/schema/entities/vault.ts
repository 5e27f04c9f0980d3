import { Type } from '@sinclair/typebox';
import { ignored, tags, timestamp, uuid } from '../typedefs.js';

/** kong/db/schema/entities/vaults.lua. sluice bundles the `env` vault, as Kong OSS does. */
export const vaultFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    prefix: Type.String({
      pattern: '^[a-z][a-z0-9-]*[a-z0-9]$',
      'x-error': { pattern: "invalid value '{value}': must be lowercase letters, digits and '-' (starting with a letter)" },
    }),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    config: Type.Optional(
      Type.Object(
        {
          prefix: Type.Optional(
            Type.String({ pattern: '^[A-Za-z_-][A-Za-z0-9_-]*$', 'x-error': { pattern: 'invalid value: {value}' } }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);
