/**
 * Kong's reading of an explicit null (`~`, `null`): on an optional field it means "unset" — take the default, or
 * leave it empty — at every level (top-level collections, entities, nested records, plugin configs). Kong's own
 * exports (`kong config db_export`, the Admin API, decK dumps) write every unset field that way. A null on a
 * field that has no default and must be set stays an error (Kong: "required field missing").
 *
 * Two halves, one rule: `nullableOptionals` widens a JSON Schema so validation lets such nulls through, and
 * `acceptsNull` tells normalization (src/config/normalize.ts) which nulls are values of their own (a schema that
 * says `null` itself, e.g. correlation-id's `header_name`) and which mean "unset".
 */

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** True when the schema itself admits null (a `null` type, a null branch, or no type constraint at all). */
export function acceptsNull(s: unknown): boolean {
  if (!isSchema(s)) return true;
  if (Array.isArray(s.anyOf)) return s.anyOf.some(acceptsNull);
  if (Array.isArray(s.oneOf)) return s.oneOf.some(acceptsNull);
  if (s.type === undefined) return s.$ref === undefined && s.enum === undefined && s.const === undefined;
  return s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'));
}

/** The same schema, also admitting null, in the shape that keeps ajv's messages as they were. */
function orNull(s: Schema): Schema {
  if (acceptsNull(s)) return s;
  if (Array.isArray(s.anyOf)) return { ...s, anyOf: [...(s.anyOf as unknown[]), { type: 'null' }] };
  if (s.type !== undefined) {
    // `type: [T, 'null']`: a wrong value is still "expected a T" (schema-errors.ts reads the first type).
    const out: Schema = { ...s, type: [...(Array.isArray(s.type) ? s.type : [s.type]), 'null'] };
    if (Array.isArray(s.enum)) out.enum = [...(s.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [s, { type: 'null' }] };
}

/** A copy of a plain JSON Schema in which every optional property also admits null, at every depth. */
export function nullableOptionals(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (isSchema(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema.properties)) {
      if (!isSchema(v)) {
        props[k] = v;
        continue;
      }
      const inner = nullableOptionals(v);
      props[k] = required.has(k) ? inner : orNull(inner);
    }
    out.properties = props;
  }
  if (isSchema(schema.items)) out.items = nullableOptionals(schema.items);
  if (isSchema(schema.additionalProperties)) out.additionalProperties = nullableOptionals(schema.additionalProperties);
  for (const key of ['patternProperties', '$defs'] as const) {
    const map = schema[key];
    if (isSchema(map)) out[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, isSchema(v) ? nullableOptionals(v) : v]));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) out[key] = list.map((v) => (isSchema(v) ? nullableOptionals(v) : v));
  }
  for (const key of ['then', 'else'] as const) {
    const branch = schema[key];
    if (isSchema(branch)) out[key] = nullableOptionals(branch);
  }
  return out;
}
