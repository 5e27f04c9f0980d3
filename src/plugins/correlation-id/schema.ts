import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

/** kong/plugins/correlation-id/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'correlation-id',
  version: KONG_VERSION,
  priority: 100001,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      // A plain string in Kong, not typedefs.header_name; a null is unset and takes the default.
      header_name: Type.Optional(Type.String({ minLength: 1, default: 'Kong-Request-ID' })),
      generator: Type.Optional(enumOf(['uuid', 'uuid#counter', 'tracker'], { default: 'uuid#counter' })),
      echo_downstream: Type.Optional(Type.Boolean({ default: false })),
    },
    { additionalProperties: false, default: {} },
  ),
};
