import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

/** kong/plugins/request-size-limiting/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'request-size-limiting',
  version: KONG_VERSION,
  priority: 951,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      allowed_payload_size: Type.Optional(Type.Integer({ default: 128 })),
      size_unit: Type.Optional(enumOf(['megabytes', 'kilobytes', 'bytes'], { default: 'megabytes' })),
      require_content_length: Type.Optional(Type.Boolean({ default: false })),
    },
    { additionalProperties: false, default: {} },
  ),
};
