import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import type { PluginSchemaInfo } from '../types.js';
import { checkOrigins } from './origins.js';
import { KONG_VERSION } from '../../util/versions.js';

export const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

const strings = () => Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()]));

/** kong/plugins/cors/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'cors',
  version: KONG_VERSION,
  priority: 2000,
  noConsumer: true,
  protocols: ['http', 'https'],
  config: Type.Object(
    {
      origins: strings(),
      headers: strings(),
      exposed_headers: strings(),
      methods: Type.Optional(Type.Union([Type.Array(enumOf(METHODS)), Type.Null()], { default: [...METHODS] })),
      max_age: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
      credentials: Type.Optional(Type.Boolean({ default: false })),
      private_network: Type.Optional(Type.Boolean({ default: false })),
      preflight_continue: Type.Optional(Type.Boolean({ default: false })),
      allow_origin_absent: Type.Optional(Type.Boolean({ default: true })),
    },
    { additionalProperties: false, default: {} },
  ),
  check: (config) => checkOrigins(config.origins),
};
