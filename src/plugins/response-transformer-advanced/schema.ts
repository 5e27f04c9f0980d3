import { Type } from '@sinclair/typebox';
import { checkBodyFunctions } from '../transform/body-functions.js';
import { checkHeaderNames, splitColonPair } from '../transform/colon-pair.js';
import { compileValueMatcher, isRegexSpec } from '../transform/header-transform.js';
import { parseJsonPath } from '../transform/json-path.js';
import { colonList, jsonTypeList, listAt, nullable, record, stringList } from '../transform/schema-parts.js';
import { checkStatusList } from '../transform/status-filter.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

const ifStatus = () => nullable(Type.Array(Type.String()));
const valueRecord = () => record({ json: colonList(), json_types: jsonTypeList(), headers: colonList(), if_status: ifStatus() });
const nullableList = () => Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()], { default: null }));

/**
 * Kong Enterprise's response-transformer-advanced (no public source): fields from its documentation.
 * `rename.json` is accepted as in the OSS plugin; `whitelist` is the pre-2.x name of `allow`.
 */
export const schema: PluginSchemaInfo = {
  name: 'response-transformer-advanced',
  version: KONG_VERSION,
  priority: 800,
  config: Type.Object(
    {
      remove: record({ json: stringList(), headers: stringList(), if_status: ifStatus() }),
      rename: record({ json: colonList(), headers: colonList(), if_status: ifStatus() }),
      replace: record({
        json: colonList(),
        json_types: jsonTypeList(),
        headers: colonList(),
        body: nullable(Type.String()),
        if_status: ifStatus(),
      }),
      add: valueRecord(),
      append: valueRecord(),
      allow: record({ json: nullableList() }),
      whitelist: Type.Optional(Type.Object({ json: nullableList() }, { additionalProperties: false })),
      transform: record({ functions: stringList(), if_status: ifStatus(), json: stringList() }),
      dots_in_keys: Type.Optional(Type.Boolean({ default: true })),
    },
    { additionalProperties: false, default: {} },
  ),
  check(config) {
    for (const part of ['remove', 'rename', 'replace', 'add', 'append', 'transform']) {
      const err = checkStatusList(`${part}.if_status`, listAt(config, part, 'if_status'));
      if (err) return err;
    }
    const headerErr = checkHeaderNames(listAt(config, 'rename', 'headers'), true);
    if (headerErr) return headerErr;
    for (const entry of listAt(config, 'remove', 'headers')) {
      const { value } = splitColonPair(entry.trim());
      if (value === null || !isRegexSpec(value.trim())) continue;
      try {
        compileValueMatcher(value.trim());
      } catch (err) {
        return `remove.headers: '${entry}' holds an invalid regular expression: ${(err as Error).message}`;
      }
    }
    const dots = config.dots_in_keys !== false;
    const paths = [
      ...listAt(config, 'remove', 'json'),
      ...listAt(config, 'allow', 'json'),
      ...listAt(config, 'whitelist', 'json'),
      ...['rename', 'replace', 'add', 'append'].flatMap((p) => listAt(config, p, 'json').map((e) => splitColonPair(e).name)),
    ];
    for (const p of paths) {
      const parsed = parseJsonPath(p, dots);
      if (typeof parsed === 'string') return `invalid JSON path ${parsed}`;
    }
    if (listAt(config, 'transform', 'json').length > 0) {
      return 'transform.json is not supported by sluice; select properties inside transform.functions instead';
    }
    return checkBodyFunctions(listAt(config, 'transform', 'functions'), 'transform.functions');
  },
};
