import { Type } from '@sinclair/typebox';
import { foreign, host, ignored, path, port, protocol, stringSet, tags, timeout, timestamp, utf8Name, uuid } from '../typedefs.js';

/** kong/db/schema/entities/services.lua. `url` is a shorthand that overrides protocol/host/port/path. */
export const serviceFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    name: Type.Optional(utf8Name()),
    url: Type.Optional(Type.String({ minLength: 1, description: 'Shorthand for protocol, host, port and path.' })),
    protocol: Type.Optional(protocol()),
    host: Type.Optional(host()),
    port: Type.Optional(port()),
    path: Type.Optional(path()),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 32767, default: 5 })),
    connect_timeout: Type.Optional(timeout()),
    write_timeout: Type.Optional(timeout()),
    read_timeout: Type.Optional(timeout()),
    tags: Type.Optional(tags()),
    client_certificate: Type.Optional(foreign('certificates')),
    tls_verify: Type.Optional(Type.Boolean()),
    tls_verify_depth: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
    ca_certificates: Type.Optional(stringSet(uuid())),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);
