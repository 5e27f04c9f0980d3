import { Type } from '@sinclair/typebox';
import { headerName } from '../../schema/typedefs.js';
import { atConfig, type PluginSchemaInfo } from '../types.js';
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
  configProblems(config) {
    const withBody = present(config.content_type) || present(config.body);
    const broken =
      present(config.message) && withBody
        ? 'message cannot be used with content_type or body'
        : present(config.content_type) && !present(config.body)
          ? 'content_type requires a body'
          : config.echo === true && withBody
            ? 'echo cannot be used with content_type and body'
            : null;
    return atConfig([], broken);
  },
};
