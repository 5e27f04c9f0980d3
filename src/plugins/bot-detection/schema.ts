import { Type } from '@sinclair/typebox';
import type { PluginSchemaInfo } from '../types.js';
import { pcreError } from './pcre.js';
import { KONG_VERSION } from '../../util/versions.js';

const regexList = () => Type.Optional(Type.Array(Type.String(), { default: [] }));

/** kong/plugins/bot-detection/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'bot-detection',
  version: KONG_VERSION,
  priority: 2500,
  noConsumer: true,
  protocols: ['http', 'https'],
  config: Type.Object({ allow: regexList(), deny: regexList() }, { additionalProperties: false, default: {} }),
  check(config) {
    for (const field of ['allow', 'deny'] as const) {
      const list = config[field];
      if (!Array.isArray(list)) continue;
      for (const re of list) {
        const err = pcreError(String(re));
        if (err !== null) return `config.${field}: invalid regex: '${String(re)}' (${err})`;
      }
    }
    return null;
  },
};
