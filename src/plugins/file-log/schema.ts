import { Type } from '@sinclair/typebox';
import { KONG_VERSION } from '../../util/versions.js';
import { checkCustomFields, customFieldsByLua } from '../log-common/custom-fields.js';
import { fieldPrefixed, type PluginSchemaInfo } from '../types.js';

/**
 * kong/plugins/file-log/schema.lua. Kong's path match `^[^%s*&%%\`][^*&%%\`]*[^%s*&%%\`]$`: no `*`, `&`, `%`,
 * `\` or backtick anywhere, no white space at either end (so at least two characters).
 */
export const schema: PluginSchemaInfo = {
  name: 'file-log',
  version: KONG_VERSION,
  priority: 9,
  // Kong: typedefs.protocols, so every protocol (the default is the http set).
  config: Type.Object(
    {
      path: Type.String({
        pattern: '^[^ \\t\\n\\v\\f\\r*&%\\\\`][^*&%\\\\`]*[^ \\t\\n\\v\\f\\r*&%\\\\`]$',
        'x-error': { pattern: 'not a valid filename' },
      }),
      reopen: Type.Optional(Type.Boolean({ default: false })),
      custom_fields_by_lua: Type.Optional(customFieldsByLua()),
    },
    { additionalProperties: false },
  ),
  configProblems: (config) => fieldPrefixed(config, checkCustomFields(config)),
};
