import { Type } from '@sinclair/typebox';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import { checkBodyFunctions } from '../transform/body-functions.js';
import { jsonTypes, renamedHeaderProblems, unsendableHeader } from '../response-transformer/schema.js';
import { splitColonPair } from '../transform/colon-pair.js';
import { compileValueMatcher, isRegexSpec } from '../transform/header-transform.js';
import { parseJsonPath } from '../transform/json-path.js';
import { colonList, listAt, record } from '../transform/schema-parts.js';
import { checkStatusList } from '../transform/status-filter.js';
import { atConfig, fieldPrefixed, type PluginProblem, type PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

// Kong strings are non-empty unless a schema says otherwise (kong/db/schema/init.lua, len_min 1).
const names = () => Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] }));
const ifStatus = () => Type.Optional(Type.Array(Type.String({ minLength: 1 })));
const valueRecord = () => record({ json: colonList(), json_types: jsonTypes(), headers: colonList(), if_status: ifStatus() });
const nullableList = () => Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1 })), Type.Null()], { default: null }));
const STATUS_PARTS = ['remove', 'rename', 'replace', 'add', 'append', 'transform'] as const;

/**
 * Kong Enterprise's response-transformer-advanced. Its source is not public: the fields are those of Kong's
 * documentation (docs.konghq.com/hub/kong-inc/response-transformer-advanced/configuration, Kong 3.x), with
 * Kong's core rules (non-empty strings) and the OSS plugin's element checks it documents (`name:value` entries).
 * Two fields the 3.x docs no longer list are kept, as sluice extensions that work: `rename.json` (as in the
 * OSS plugin) and `whitelist`, the pre-2.x name of `allow`.
 */
export const schema: PluginSchemaInfo = {
  name: 'response-transformer-advanced',
  version: KONG_VERSION,
  priority: 800,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      remove: record({ json: names(), headers: names(), if_status: ifStatus() }),
      rename: record({ json: colonList(), headers: colonList(), if_status: ifStatus() }),
      replace: record({
        json: colonList(),
        json_types: jsonTypes(),
        headers: colonList(),
        body: Type.Optional(Type.String({ minLength: 1 })),
        if_status: ifStatus(),
      }),
      add: valueRecord(),
      append: valueRecord(),
      allow: record({ json: nullableList() }),
      whitelist: Type.Optional(Type.Object({ json: nullableList() }, { additionalProperties: false })),
      transform: record({ functions: names(), if_status: ifStatus(), json: names() }),
      dots_in_keys: Type.Optional(Type.Boolean({ default: true })),
    },
    { additionalProperties: false, default: {} },
  ),
  configProblems(config) {
    for (const part of STATUS_PARTS) {
      const err = fieldPrefixed(config, checkStatusList(`${part}.if_status`, listAt(config, part, 'if_status')));
      if (err.length > 0) return err;
    }
    const renamed = renamedHeaderProblems(config);
    if (renamed.length > 0) return renamed;
    const unsendable = unsendableHeader(config);
    if (unsendable.length > 0) return unsendable;
    const removals = listAt(config, 'remove', 'headers');
    for (let i = 0; i < removals.length; i++) {
      const { value } = splitColonPair(removals[i]!.trim());
      if (value === null || !isRegexSpec(value.trim())) continue;
      try {
        compileValueMatcher(value.trim());
      } catch (err) {
        return atConfig(['remove', 'headers', i], `'${removals[i]}' holds an invalid regular expression: ${(err as Error).message}`);
      }
    }
    const pathErr = jsonPathProblems(config);
    if (pathErr.length > 0) return pathErr;
    if (listAt(config, 'transform', 'json').length > 0) {
      return atConfig(['transform', 'json'], 'not supported by sluice; select properties inside transform.functions instead');
    }
    return fieldPrefixed(config, checkBodyFunctions(listAt(config, 'transform', 'functions'), 'transform.functions'));
  },
};

/** Every JSON property path must parse (with dots_in_keys false they descend: `a.b`, `list[*]`, `list[2]`). */
function jsonPathProblems(config: Readonly<Record<string, unknown>>): readonly PluginProblem[] {
  const dots = config.dots_in_keys !== false;
  const fields: [string, boolean][] = [
    ['remove', false],
    ['allow', false],
    ['whitelist', false],
    ['rename', true],
    ['replace', true],
    ['add', true],
    ['append', true],
  ];
  for (const [part, pairs] of fields) {
    const list = listAt(config, part, 'json');
    for (let i = 0; i < list.length; i++) {
      const parsed = parseJsonPath(pairs ? splitColonPair(list[i]!).name : list[i]!, dots);
      if (typeof parsed === 'string') return atConfig([part, 'json', i], `invalid JSON path ${parsed}`);
    }
  }
  return [];
}
