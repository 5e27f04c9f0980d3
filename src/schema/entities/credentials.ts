import { Type } from '@sinclair/typebox';
import { enumOf, foreign, ignored, nonEmpty, tags, timestamp, uuid } from '../typedefs.js';

const common = {
  id: Type.Optional(uuid()),
  consumer: Type.Optional(foreign('consumers')),
  tags: Type.Optional(tags()),
  created_at: Type.Optional(timestamp()),
  ...ignored,
};

/** key-auth credentials (kong/plugins/key-auth/daos.lua); a missing key is generated. */
export const keyauthCredentialFields = Type.Object(
  { ...common, key: Type.Optional(nonEmpty()), ttl: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);

/** basic-auth credentials; the password is stored hashed unless `_transform: false`. */
export const basicauthCredentialFields = Type.Object(
  { ...common, username: nonEmpty(), password: nonEmpty() },
  { additionalProperties: false },
);

export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA',
] as const;

/** jwt credentials (kong/plugins/jwt/daos.lua). */
export const jwtSecretFields = Type.Object(
  {
    ...common,
    key: Type.Optional(nonEmpty()),
    secret: Type.Optional(nonEmpty()),
    rsa_public_key: Type.Optional(nonEmpty()),
    algorithm: Type.Optional(enumOf(JWT_ALGORITHMS, { default: 'HS256' })),
  },
  { additionalProperties: false },
);

export const hmacauthCredentialFields = Type.Object(
  { ...common, username: nonEmpty(), secret: Type.Optional(nonEmpty()) },
  { additionalProperties: false },
);

export const aclFields = Type.Object({ ...common, group: nonEmpty() }, { additionalProperties: false });
