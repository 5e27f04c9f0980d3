import { Type } from '@sinclair/typebox';
import { checkHeaderNames, splitColonPair } from '../transform/colon-pair.js';
import { compileTemplate } from '../transform/request-template.js';
import { colonList, listAt, nullable, record, stringList } from '../transform/schema-parts.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

const valueRecord = () => record({ body: colonList(), headers: colonList(), querystring: colonList() });

/** kong/plugins/request-transformer/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'request-transformer',
  version: KONG_VERSION,
  priority: 801,
  config: Type.Object(
    {
      http_method: nullable(Type.String({ pattern: '^[A-Z]+$' })),
      remove: record({ body: stringList(), headers: stringList(), querystring: stringList() }),
      rename: valueRecord(),
      replace: record({ body: colonList(), headers: colonList(), querystring: colonList(), uri: nullable(Type.String()) }),
      add: valueRecord(),
      append: valueRecord(),
    },
    { additionalProperties: false, default: {} },
  ),
  check(config) {
    // Kong: header names must be tokens (both sides for rename); every body/querystring entry needs a value
    // and every value must be a template sluice can render.
    const headerErr =
      checkHeaderNames(listAt(config, 'remove', 'headers'), false) ??
      checkHeaderNames(listAt(config, 'rename', 'headers'), true) ??
      ['replace', 'add', 'append'].map((p) => checkHeaderNames(listAt(config, p, 'headers'), false)).find((e) => e !== null) ??
      null;
    if (headerErr) return headerErr;
    for (const part of ['rename', 'replace', 'add', 'append']) {
      for (const field of ['body', 'querystring', 'headers']) {
        for (const entry of listAt(config, part, field)) {
          const { name, value } = splitColonPair(entry);
          if (value === null) {
            if (field === 'headers') continue;
            return `key '${name}' has no value`;
          }
          try {
            compileTemplate(value);
          } catch (err) {
            return (err as Error).message;
          }
        }
      }
    }
    const uri = (config.replace as { uri?: unknown } | undefined)?.uri;
    if (typeof uri === 'string') {
      try {
        compileTemplate(uri);
      } catch (err) {
        return (err as Error).message;
      }
    }
    return null;
  },
};
