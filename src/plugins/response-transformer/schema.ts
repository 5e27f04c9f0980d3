import { Type } from '@sinclair/typebox';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import { checkHeaderNames, splitColonPair } from '../transform/colon-pair.js';
import { enumOf } from '../../schema/typedefs.js';
import { colonList, listAt, record } from '../transform/schema-parts.js';
import { atConfig, type PluginProblem, type PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

// Kong's string_array: non-empty strings, nothing else checked (remove's header names included).
const names = () => Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] }));
/** `json_types`: how each `json` entry's value is typed, by position (one_of, so Kong's "expected one of"). */
export const jsonTypes = () => Type.Optional(Type.Array(enumOf(['boolean', 'number', 'string']), { default: [] }));
const valueRecord = () => record({ json: colonList(), json_types: jsonTypes(), headers: colonList() });

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
  configProblems(config) {
    const renamed = renamedHeaderProblems(config);
    return renamed.length > 0 ? renamed : unsendableHeader(config);
  },
};

/**
 * sluice's own check: a header replace, add or append sets must be one Node.js can send (Kong lets nginx send
 * any name; here such a response would never be answered), so its name must be an HTTP token and its value
 * free of control characters. Shared with the request and advanced transformers.
 */
export function unsendableHeader(config: Readonly<Record<string, unknown>>): readonly PluginProblem[] {
  for (const part of ['replace', 'add', 'append']) {
    const list = listAt(config, part, 'headers');
    for (let i = 0; i < list.length; i++) {
      const { name, value } = splitColonPair(list[i]!);
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value ?? '');
      } catch (err) {
        return atConfig([part, 'headers', i], `cannot be sent: ${(err as Error).message}`);
      }
    }
  }
  return [];
}

/** Kong validates both sides of a header rename as header names (validate_colon_headers). Shared with the advanced transformer. */
export function renamedHeaderProblems(config: Readonly<Record<string, unknown>>): readonly PluginProblem[] {
  const list = listAt(config, 'rename', 'headers');
  for (let i = 0; i < list.length; i++) {
    const err = checkHeaderNames([list[i]!], true);
    if (err !== null) return atConfig(['rename', 'headers', i], err);
  }
  return [];
}
