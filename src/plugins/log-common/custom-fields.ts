/**
 * Kong's `custom_fields_by_lua` (typedefs.lua_code): a map of serialized-record field → a chunk whose return
 * value sets that field (`kong.log.set_serialize_value(key, sandbox(expression)())` in each log plugin's log
 * phase). Compiled once at load; run per entry before kong.log.serialize().
 *
 * Each chunk is Lua or JavaScript by the serverless language rule (src/plugins/serverless/language.ts): Kong's
 * usual ones are valid in both (`return "bar"`, `return kong.request.get_header("x-id")`) and run as the cheaper
 * JavaScript; anything Lua only (`ngx.var.uri`, `local h = …`, `or "none"`, `{ a = 1 }`, `nil`) runs in the Lua
 * engine, which hands back the chunk's value as JS data by lua-cjson's rules. A nil or null removes the field,
 * as Kong's set_serialize_value(key, nil) does.
 */
import { Type } from '@sinclair/typebox';
import type { Pdk } from '../../pdk/kong.js';
import { type CompiledFunction, compileServerless, ServerlessSyntaxError } from '../serverless/compile.js';
import { detectLanguage } from '../serverless/language.js';
import { compileLuaValue } from '../serverless/lua/runtime.js';

/** pre-function's budget per call. */
const TIMEOUT_MS = 1000;

/** typedefs.lua_code: non-empty keys, non-empty chunks. */
export const customFieldsByLua = () =>
  Type.Unsafe<Record<string, string>>({
    type: 'object',
    propertyNames: { minLength: 1 },
    additionalProperties: { type: 'string', minLength: 1 },
  });

/** The first chunk that cannot compile, as `custom_fields_by_lua.<key>: why` (Kong validates each chunk at load). */
export function checkCustomFields(config: Readonly<Record<string, unknown>>): string | null {
  const fields = config.custom_fields_by_lua as Record<string, string> | null | undefined;
  for (const [key, source] of Object.entries(fields ?? {})) {
    if (RETURN_NIL.test(source)) continue;
    const language = detectLanguage(source, `custom_fields_by_lua.${key}`);
    if (language instanceof ServerlessSyntaxError) return `custom_fields_by_lua.${key}: ${language.message}`;
  }
  return null;
}

// Kong's idiom for removing a field: nothing to run.
const RETURN_NIL = /^\s*return\s+nil\s*;?\s*$/;
const returnNull: CompiledFunction = () => null;

export type CustomFields = readonly (readonly [string, CompiledFunction])[];

/** Compiles the map at load (the check has refused what cannot compile). */
export function compileCustomFields(plugin: string, fields: Readonly<Record<string, string>> | null | undefined): CustomFields {
  return Object.entries(fields ?? {}).map(([key, source]) => [key, compileField(source, `${plugin}.config.custom_fields_by_lua.${key}`)]);
}

function compileField(source: string, label: string): CompiledFunction {
  if (RETURN_NIL.test(source)) return returnNull;
  const opts = { timeoutMs: TIMEOUT_MS };
  return detectLanguage(source, label) === 'lua' ? compileLuaValue(source, label, opts) : compileServerless(source, label, opts);
}

/**
 * Sets each field from its chunk, in key order; a chunk that throws (or runs past its budget) is logged and its
 * field left alone (Kong's log phase would stop at the error; the entry still goes out here). Async only when a
 * chunk awaits.
 */
export function applyCustomFields(fields: CustomFields, kong: Pdk): void | Promise<void> {
  for (let i = 0; i < fields.length; i++) {
    const [key, fn] = fields[i]!;
    try {
      const value = fn(kong);
      if (value instanceof Promise) return finishAsync(fields, i, value, kong);
      kong.log.set_serialize_value(key, value);
    } catch (err) {
      kong.log.err(`custom_fields_by_lua '${key}' failed: ${(err as Error).message}`);
    }
  }
  return undefined;
}

async function finishAsync(fields: CustomFields, at: number, pending: Promise<unknown>, kong: Pdk): Promise<void> {
  for (let i = at; i < fields.length; i++) {
    const [key, fn] = fields[i]!;
    try {
      kong.log.set_serialize_value(key, await (i === at ? pending : fn(kong)));
    } catch (err) {
      kong.log.err(`custom_fields_by_lua '${key}' failed: ${(err as Error).message}`);
    }
  }
}
