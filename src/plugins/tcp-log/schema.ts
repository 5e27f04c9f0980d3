import { Type } from '@sinclair/typebox';
import { port } from '../../schema/typedefs.js';
import { KONG_VERSION } from '../../util/versions.js';
import { checkCustomFields, customFieldsByLua } from '../log-common/custom-fields.js';
import { hostWithoutPort } from '../log-common/schema-parts.js';
import { fieldPrefixed, type PluginSchemaInfo } from '../types.js';

/** kong/plugins/tcp-log/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'tcp-log',
  version: KONG_VERSION,
  priority: 7,
  // Kong: typedefs.protocols, so every protocol (the default is the http set).
  config: Type.Object(
    {
      host: hostWithoutPort(),
      port: port(),
      timeout: Type.Optional(Type.Number({ default: 10000 })),
      keepalive: Type.Optional(Type.Number({ default: 60000 })),
      tls: Type.Optional(Type.Boolean({ default: false })),
      tls_sni: Type.Optional(Type.String({ minLength: 1 })),
      custom_fields_by_lua: Type.Optional(customFieldsByLua()),
    },
    { additionalProperties: false },
  ),
  configProblems: (config) => fieldPrefixed(config, checkCustomFields(config)),
};
