import { Type } from '@sinclair/typebox';
import { ignored, nonEmpty, timestamp } from '../typedefs.js';

/**
 * kong/db/schema/entities/parameters.lua: node-wide key/value pairs Kong keeps in its database (`cluster_id`).
 * `kong config db_export` writes them; sluice accepts them and serves nothing from them.
 */
export const parameterFields = Type.Object(
  {
    key: nonEmpty(),
    value: Type.String(),
    created_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);
