import { Type } from '@sinclair/typebox';
import { foreign, ignored, nonEmpty, tags, timestamp, uuid } from '../typedefs.js';

/** kong/db/schema/entities/keys.lua: a JWK (JSON string) or a PEM pair. */
export const keyFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    kid: nonEmpty(),
    name: Type.Optional(nonEmpty()),
    set: Type.Optional(foreign('key_sets')),
    jwk: Type.Optional(nonEmpty()),
    pem: Type.Optional(
      Type.Object(
        { private_key: Type.Optional(nonEmpty()), public_key: Type.Optional(nonEmpty()) },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);

/** kong/db/schema/entities/key_sets.lua. */
export const keySetFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    name: Type.Optional(nonEmpty()),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);
