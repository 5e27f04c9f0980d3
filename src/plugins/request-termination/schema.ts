import { Type } from '@sinclair/typebox';
import { headerName } from '../../schema/typedefs.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

// Kong's is_present: a non-empty string (so null and absent are not).
const present = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

/** kong/plugins/request-termination/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'request-termination',
  version: KONG_VERSION,
  priority: 2,
  config: Type.Object(
    {
      status_code: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, default: 503 })),
      message: Type.Optional(Type.String({ minLength: 1 })),
      content_type: Type.Optional(Type.String({ minLength: 1 })),
      body: Type.Optional(Type.String({ minLength: 1 })),
      echo: Type.Optional(Type.Boolean({ default: false })),
      trigger: Type.Optional(headerName()),
    },
    { additionalProperties: false, default: {} },
  ),
  // Kong's custom_validator on the config record: the first rule broken, in Kong's order and words.
  check(config) {
    const withBody = present(config.content_type) || present(config.body);
    if (present(config.message) && withBody) return 'message cannot be used with content_type or body';
    if (present(config.content_type) && !present(config.body)) return 'content_type requires a body';
    if (config.echo === true && withBody) return 'echo cannot be used with content_type and body';
    return null;
  },
};
