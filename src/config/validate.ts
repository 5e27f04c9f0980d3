/**
 * Validate stage (after parse.ts and the format migration): the document against the JSON Schema generated from
 * the entity definitions (document-schema.ts), with Kong's wording (schema-errors.ts). May: report problems,
 * each at the path of the field it is about. May not: change the document; defaults, shorthands and nulls are
 * normalize.ts's. Plugin configs are validated with their plugin's schema in checks.ts, once their defaults are
 * in (Kong validates a config record after filling it).
 */
import { compiled } from './ajv.js';
import { documentSchema, FORMAT_VERSIONS } from './document-schema.js';
import type { FieldProblem } from './normalize.js';
import { schemaProblems } from './schema-errors.js';

/** `_format_version`, checked first: it decides how the rest of the file is read. */
export function formatVersionProblem(fv: unknown): FieldProblem | null {
  if (fv === undefined || fv === null) {
    return { path: [], message: '_format_version: required field missing', hint: 'add `_format_version: "3.0"` at the top' };
  }
  if (typeof fv !== 'string') {
    return { path: ['_format_version'], message: 'expected a string', hint: `quote it: _format_version: "${String(fv)}"` };
  }
  if (!(FORMAT_VERSIONS as readonly string[]).includes(fv)) {
    return { path: ['_format_version'], message: `expected one of: ${FORMAT_VERSIONS.join(', ')}` };
  }
  return null;
}

export function validateDocument(doc: Readonly<Record<string, unknown>>): FieldProblem[] {
  const validate = compiled('document', () => documentSchema(false));
  if (validate(doc)) return [];
  return schemaProblems(validate.errors ?? []).map((p) => ({ path: p.path, message: p.message, ...(p.hint ? { hint: p.hint } : {}), ...(p.key ? { key: true } : {}) }));
}
