import { Type } from '@sinclair/typebox';
import { unsendableHeader } from '../response-transformer/schema.js';
import { checkHeaderNames, splitColonPair } from '../transform/colon-pair.js';
import { compileTemplate } from '../transform/request-template.js';
import { colonList, listAt, record } from '../transform/schema-parts.js';
import { atConfig, type PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

// Kong's strings_array / colon_strings_array: entries are non-empty strings; a body or querystring entry's
// missing value is check_for_value's error (below), so it carries no colon pattern.
const entries = () => Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] }));
const valueRecord = () => record({ body: entries(), headers: colonList(), querystring: entries() });
const PARTS = ['remove', 'rename', 'replace', 'add', 'append'] as const;

/** kong/plugins/request-transformer/schema.lua. */
export const schema: PluginSchemaInfo = {
  name: 'request-transformer',
  version: KONG_VERSION,
  priority: 801,
  config: Type.Object(
    {
      http_method: Type.Optional(Type.String({ pattern: '^[A-Z]+$' })),
      remove: record({ body: entries(), headers: entries(), querystring: entries() }),
      rename: valueRecord(),
      replace: record({ body: entries(), headers: colonList(), querystring: entries(), uri: Type.Optional(Type.String({ minLength: 1 })) }),
      add: valueRecord(),
      append: valueRecord(),
    },
    { additionalProperties: false, default: {} },
  ),
  configProblems(config) {
    for (const part of PARTS) {
      for (const field of ['headers', 'body', 'querystring'] as const) {
        const list = listAt(config, part, field);
        for (let i = 0; i < list.length; i++) {
          const err = entryError(part, field, list[i]!);
          if (err !== null) return atConfig([part, field, i], err);
        }
      }
    }
    const uri = (config.replace as { uri?: unknown } | undefined)?.uri;
    const uriError = typeof uri === 'string' ? templateError(uri) : null;
    return uriError !== null ? atConfig(['replace', 'uri'], uriError) : unsendableHeader(config);
  },
};

/**
 * Kong's element validators: header names must be tokens (both sides for rename; only the name elsewhere), a
 * body or querystring entry outside `remove` needs a value (check_for_value), and every value must be a
 * template sluice can render (Kong compiles body and querystring values; sluice renders headers the same way).
 */
function entryError(part: (typeof PARTS)[number], field: 'headers' | 'body' | 'querystring', entry: string): string | null {
  if (field === 'headers') {
    const bad = checkHeaderNames([entry], part === 'rename');
    if (bad !== null) return bad;
  }
  if (part === 'remove') return null;
  const { name, value } = splitColonPair(entry);
  if (value === null) return field === 'headers' ? null : `key '${name}' has no value`;
  return templateError(value);
}

function templateError(value: string): string | null {
  try {
    compileTemplate(value);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
