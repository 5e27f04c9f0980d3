import { Type } from '@sinclair/typebox';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import { checkHeaderNames } from '../transform/colon-pair.js';
import { colonList, jsonTypeList, listAt, record } from '../transform/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

// Kong's string_array: non-empty strings, nothing else checked (remove's header names included).
const names = () => Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] }));
const valueRecord = () => record({ json: colonList(), json_types: jsonTypeList(), headers: colonList() });

/** kong/plugins/response-transformer/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'response-transformer',
  version: KONG_VERSION,
  priority: 800,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      remove: record({ json: names(), headers: names() }),
      rename: record({ json: colonList(), headers: colonList() }),
      replace: valueRecord(),
      add: valueRecord(),
      append: valueRecord(),
    },
    { additionalProperties: false, default: {} },
  ),
  check(config) {
    // Kong validates both sides of a header rename as header names (validate_colon_headers).
    const list = listAt(config, 'rename', 'headers');
    for (let i = 0; i < list.length; i++) {
      const err = checkHeaderNames([list[i]!], true);
      if (err !== null) return `rename.headers[${i}]: ${err}`;
    }
    return null;
  },
};
