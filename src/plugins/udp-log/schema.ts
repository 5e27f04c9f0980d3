import { Type } from '@sinclair/typebox';
import { port } from '../../schema/typedefs.js';
import { KONG_VERSION } from '../../util/versions.js';
import { checkCustomFields, customFieldsByLua } from '../log-common/custom-fields.js';
import { hostWithoutPort } from '../log-common/schema-parts.js';
import { fieldPrefixed, type PluginSchemaInfo } from '../types.js';

/** kong/plugins/udp-log/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'udp-log',
  version: KONG_VERSION,
  priority: 8,
  // Kong: typedefs.protocols, so every protocol (the default is the http set).
  config: Type.Object(
    {
      host: hostWithoutPort(),
      port: port(),
      timeout: Type.Optional(Type.Number({ default: 10000 })),
      custom_fields_by_lua: Type.Optional(customFieldsByLua()),
    },
    { additionalProperties: false },
  ),
  configProblems: (config) => fieldPrefixed(config, checkCustomFields(config)),
};
