import { Type } from '@sinclair/typebox';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

/** kong/plugins/request-termination/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'request-termination',
  version: KONG_VERSION,
  priority: 2,
  config: Type.Object(
    {
      status_code: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, default: 503 })),
      message: Type.Optional(Type.String({ minLength: 1 })),
      body: Type.Optional(Type.String({ minLength: 1 })),
      content_type: Type.Optional(Type.String({ minLength: 1 })),
      trigger: Type.Optional(Type.String({ minLength: 1 })),
      echo: Type.Optional(Type.Boolean({ default: false })),
    },
    { additionalProperties: false, default: {} },
  ),
  check(config) {
    if (config.message != null && config.body != null) return "only one or none of these fields must be set: 'config.message', 'config.body'";
    if (config.content_type != null && config.body == null) return "all or none of these fields must be set: 'config.content_type', 'config.body'";
    return null;
  },
};
