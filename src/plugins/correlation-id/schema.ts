import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

/** kong/plugins/correlation-id/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'correlation-id',
  version: KONG_VERSION,
  priority: 100001,
  protocols: ['http', 'https'],
  config: Type.Object(
    {
      header_name: Type.Optional(Type.Union([Type.String(), Type.Null()], { default: 'Kong-Request-ID' })),
      generator: Type.Optional(enumOf(['uuid', 'uuid#counter', 'tracker'], { default: 'uuid#counter' })),
      echo_downstream: Type.Optional(Type.Boolean({ default: false })),
    },
    { additionalProperties: false, default: {} },
  ),
};
