import { type TArray, type TSchema, type TString, Type } from '@sinclair/typebox';
import { headerName } from '../../schema/typedefs.js';

/** An optional field that may also be written as null (decK and Kong's own exports write nulls). */
export function nullable<T extends TSchema>(schema: T) {
  return Type.Optional(Type.Union([schema, Type.Null()]));
}

/** Kong strings are at least one character long unless a schema says otherwise. */
export function optionalString(): ReturnType<typeof nullable<TString>> {
  return nullable(Type.String({ minLength: 1 }));
}

/** `anonymous`: a consumer id or username, used when authentication fails. */
export const anonymous = optionalString;

/** `realm`: the realm named in the WWW-Authenticate challenge. */
export const realm = optionalString;

/** A Kong `set` of strings with a default. */
export function stringSet(def: readonly string[], item: TSchema = Type.String({ minLength: 1 })): TArray {
  return Type.Array(item, { 'x-set': true, default: [...def] });
}

export function headerNames(def: readonly string[]): TArray {
  return Type.Array(headerName(), { default: [...def] });
}

/** Kong's typedefs.protocols_http: every protocol of the http subsystem sluice knows. */
export const HTTP_PROTOCOLS: readonly string[] = ['grpc', 'grpcs', 'http', 'https'];
