import { Type } from '@sinclair/typebox';
import { enumOf, foreign, headerName, ignored, port, protocol, stringSet, tags, timestamp, utf8Name, uuid } from '../typedefs.js';

const ipPort = () =>
  Type.Object(
    { ip: Type.Optional(Type.String({ minLength: 1 })), port: Type.Optional(port()) },
    { additionalProperties: false, minProperties: 1 },
  );

/** kong/db/schema/entities/routes.lua (traditional_compatible flavor; expression routes are out of scope). */
export const routeFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    name: Type.Optional(utf8Name()),
    protocols: Type.Optional(stringSet(protocol(), { minItems: 1, default: ['http', 'https'] })),
    methods: Type.Optional(
      stringSet(
        Type.String({
          pattern: '^[A-Z]+$',
          'x-error': { pattern: "invalid value '{value}': expected uppercase letters only" },
        }),
      ),
    ),
    hosts: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    paths: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), {
        propertyNames: headerName(),
      }),
    ),
    snis: Type.Optional(stringSet(Type.String({ minLength: 1 }))),
    sources: Type.Optional(stringSet(ipPort())),
    destinations: Type.Optional(stringSet(ipPort())),
    https_redirect_status_code: Type.Optional(
      enumOf([426, 301, 302, 307, 308], { default: 426 }),
    ),
    regex_priority: Type.Optional(Type.Integer({ default: 0 })),
    strip_path: Type.Optional(Type.Boolean({ default: true })),
    preserve_host: Type.Optional(Type.Boolean({ default: false })),
    request_buffering: Type.Optional(Type.Boolean({ default: true })),
    response_buffering: Type.Optional(Type.Boolean({ default: true })),
    path_handling: Type.Optional(enumOf(['v0', 'v1'], { default: 'v0' })),
    service: Type.Optional(foreign('services')),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);
