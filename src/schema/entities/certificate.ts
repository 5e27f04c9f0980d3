import { Type } from '@sinclair/typebox';
import { foreign, ignored, nonEmpty, tags, timestamp, uuid } from '../typedefs.js';

const pem = (what: string) => Type.String({ minLength: 1, description: `PEM-encoded ${what} (or a {vault://…} reference).` });

/** kong/db/schema/entities/certificates.lua. PEM parsing and the cert/key pairing are checked after validation. */
export const certificateFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    cert: pem('certificate'),
    key: pem('private key'),
    cert_alt: Type.Optional(pem('certificate')),
    key_alt: Type.Optional(pem('private key')),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);

/** kong/db/schema/entities/snis.lua: a server name (wildcards `*.x`, `x.*`, or `*` alone) bound to a certificate. */
export const sniFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    name: Type.String({
      minLength: 1,
      pattern: '^(\\*|(\\*\\.)?[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*(\\.\\*)?)$',
      'x-error': { pattern: "invalid value '{value}': must be a hostname with at most one leading or trailing wildcard" },
    }),
    certificate: Type.Optional(foreign('certificates')),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);

/** kong/db/schema/entities/ca_certificates.lua. */
export const caCertificateFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    cert: pem('CA certificate'),
    cert_digest: Type.Optional(nonEmpty()),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);
