import { Type } from '@sinclair/typebox';
import { ignored, nonEmpty, tags, timestamp, uuid } from '../typedefs.js';

/** kong/db/schema/entities/consumers.lua; `groups` is decK/Enterprise consumer-group membership. */
export const consumerFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    username: Type.Optional(nonEmpty()),
    custom_id: Type.Optional(nonEmpty()),
    groups: Type.Optional(
      Type.Array(
        Type.Object({ name: Type.Optional(nonEmpty()), id: Type.Optional(uuid()) }, { additionalProperties: false }),
        { description: 'Consumer-group membership (Kong Enterprise / decK).' },
      ),
    ),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);

/** Consumer groups: Kong Enterprise / decK only; sluice accepts them and scopes plugins to them. */
export const consumerGroupFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    name: nonEmpty(),
    consumers: Type.Optional(
      Type.Array(
        Type.Object({ username: Type.Optional(nonEmpty()), id: Type.Optional(uuid()) }, { additionalProperties: false }),
        { description: 'Members, by username or id.' },
      ),
    ),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);
