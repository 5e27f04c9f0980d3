import { Type } from '@sinclair/typebox';
import { checkHeaderNames } from '../transform/colon-pair.js';
import { colonList, jsonTypeList, listAt, record, stringList } from '../transform/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

const valueRecord = () => record({ json: colonList(), json_types: jsonTypeList(), headers: colonList() });

/** kong/plugins/response-transformer/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'response-transformer',
  version: KONG_VERSION,
  priority: 800,
  config: Type.Object(
    {
      remove: record({ json: stringList(), headers: stringList() }),
      rename: record({ json: colonList(), headers: colonList() }),
      replace: valueRecord(),
      add: valueRecord(),
      append: valueRecord(),
    },
    { additionalProperties: false, default: {} },
  ),
  check(config) {
    // Kong validates both sides of a header rename as header names; the other lists only need the colon.
    return checkHeaderNames(listAt(config, 'rename', 'headers'), true);
  },
};
