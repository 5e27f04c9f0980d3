import { Type } from '@sinclair/typebox';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import { atConfig, type PluginSchemaInfo } from '../types.js';
import { pcreError } from './pcre.js';
import { KONG_VERSION } from '../../util/versions.js';

const regexList = () => Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] }));

// V8 repeats the pattern in its message; the reason is the part after it.
const jsReason = (message: string): string => message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');

/** kong/plugins/bot-detection/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'bot-detection',
  version: KONG_VERSION,
  priority: 2500,
  noConsumer: true,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object({ allow: regexList(), deny: regexList() }, { additionalProperties: false, default: {} }),
  configProblems(config) {
    // Kong: `is_regex` elements (PCRE). sluice runs JavaScript regexes, so a PCRE-only construct is refused too.
    for (const field of ['allow', 'deny'] as const) {
      const list = config[field];
      if (!Array.isArray(list)) continue;
      for (let i = 0; i < list.length; i++) {
        const err = pcreError(String(list[i]));
        if (err !== null) return atConfig([field, i], `not a valid regex: ${String(list[i])} (${jsReason(err)})`);
      }
    }
    return [];
  },
};
