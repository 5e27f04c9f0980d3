import { type TArray, type TLiteral, type TNull, type TObject, type TOptional, type TProperties, type TSchema, type TString, type TUnion, Type } from '@sinclair/typebox';

/** Kong's `string_array`: required, defaults to an empty list. */
export function stringList(): TOptional<TArray<TString>> {
  return Type.Optional(Type.Array(Type.String(), { default: [] }));
}

/** Kong's `colon_string_array`: every entry is `name:value`. */
export function colonList(): TOptional<TArray<TString>> {
  return Type.Optional(Type.Array(Type.String({ pattern: '^[^:]+:.*$' }), { default: [] }));
}

/** `json_types`: how each `json` entry's value is typed, by position. */
export function jsonTypeList(): TOptional<TArray<TUnion<TLiteral<string>[]>>> {
  return Type.Optional(Type.Array(Type.Union(['boolean', 'number', 'string'].map((t) => Type.Literal(t))), { default: [] }));
}

/** A nested Kong record: present after defaults, no unknown fields. */
export function record<P extends TProperties>(properties: P): TOptional<TObject<P>> {
  return Type.Optional(Type.Object(properties, { additionalProperties: false, default: {} }));
}

/** Field lists of a validated config, read without trusting their shape. */
export function listAt(config: Readonly<Record<string, unknown>>, part: string, field: string): string[] {
  const rec = config[part];
  if (typeof rec !== 'object' || rec === null) return [];
  const v = (rec as Record<string, unknown>)[field];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** An optional field that may also be written as null (decK and Kong's own exports write nulls). */
export function nullable<T extends TSchema>(schema: T): TOptional<TUnion<[T, TNull]>> {
  return Type.Optional(Type.Union([schema, Type.Null()]));
}
