/** ajv errors → Kong's wording (kong/db/schema/init.lua validation_errors), one per problem. */
import type { ErrorObject } from 'ajv';
import { didYouMean } from './errors.js';
import type { Segment } from './parse.js';

export interface SchemaProblem {
  /** Value path; `key` true when the problem is the mapping key itself (unknown field). */
  readonly path: Segment[];
  readonly key: boolean;
  readonly message: string;
  readonly hint?: string;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'expected a string',
  integer: 'expected an integer',
  number: 'expected a number',
  boolean: 'expected a boolean',
  array: 'expected an array',
  object: 'expected a record',
  null: 'value must be null',
};

type Schema = Record<string, unknown> & { 'x-error'?: Record<string, string> };

export function pointerToPath(pointer: string): Segment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function schemaProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  // Errors from inside an anyOf are noise once the anyOf itself is reported.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  for (const e of errors) {
    if (anyOfPaths.some((p) => e.schemaPath !== p && e.schemaPath.startsWith(p.slice(0, -'anyOf'.length) + 'anyOf/'))) continue;
    if (e.keyword === 'if') continue;
    const p = problem(e);
    if (!p) continue;
    const id = `${p.path.join('\u0000')}|${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

function problem(e: ErrorObject): SchemaProblem | null {
  const path = pointerToPath(e.instancePath);
  const schema = (e.parentSchema ?? {}) as Schema;
  const custom = schema['x-error']?.[e.keyword];
  const params = e.params as Record<string, unknown>;
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    return { path: [...path, propertyName], key: true, message: custom?.replace('{value}', propertyName) ?? `invalid key '${propertyName}'` };
  }
  if (custom) return { path, key: false, message: custom.replace('{value}', show(e.data)) };
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)], key: false, message: 'required field missing' };
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const props = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
      const guess = didYouMean(field, props);
      return { path: [...path, field], key: true, message: 'unknown field', ...(guess ? { hint: `did you mean '${guess}'?` } : {}) };
    }
    case 'type': {
      // Kong: a null on a field that must be set is a missing field (optional fields admit null: nullable.ts).
      if (e.data === null && typeof path[path.length - 1] === 'string') {
        return { path, key: false, message: 'required field missing', hint: 'null (`~`) means unset, and this field has no default' };
      }
      const t = String(params.type).split(',')[0]!;
      return { path, key: false, message: TYPE_NAMES[t] ?? `expected ${t}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
      if (minimum !== undefined && maximum !== undefined) {
        return { path, key: false, message: `value should be between ${minimum} and ${maximum}` };
      }
      return {
        path,
        key: false,
        message: minimum !== undefined ? `value must be at least ${minimum}` : `value must be at most ${maximum}`,
      };
    }
    case 'enum':
      return {
        path,
        key: false,
        // The null an optional field admits (nullable.ts) is not a value to suggest.
        message: `expected one of: ${(params.allowedValues as unknown[]).filter((v) => v !== null).map(show).join(', ')}`,
      };
    case 'const':
      return { path, key: false, message: `value must be ${show(params.allowedValue)}` };
    case 'pattern':
      return { path, key: false, message: `invalid value: ${show(e.data)}` };
    case 'minLength':
    case 'minItems':
      return { path, key: false, message: `length must be at least ${String(params.limit)}` };
    case 'maxLength':
    case 'maxItems':
      return { path, key: false, message: `length must be at most ${String(params.limit)}` };
    case 'minProperties':
      return {
        path,
        key: false,
        message: `at least one of these fields must be non-empty: ${Object.keys((schema.properties as object) ?? {})
          .map((k) => `'${k}'`)
          .join(', ')}`,
      };
    case 'anyOf':
      if (schema['x-foreign']) {
        return {
          path,
          key: false,
          message: `expected a reference to ${String(schema['x-foreign'])}: a name or id, or { id: <uuid> }`,
        };
      }
      return { path, key: false, message: 'invalid value' };
    default:
      return { path, key: false, message: e.message ?? 'invalid value' };
  }
}
