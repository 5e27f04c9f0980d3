/**
 * Kong's `custom_fields_by_lua` (typedefs.lua_code): a map of serialized-record field → a chunk whose return
 * value sets that field (`kong.log.set_serialize_value(key, sandbox(expression)())` in each log plugin's log
 * phase). Compiled once at load by the serverless compiler; run per entry before kong.log.serialize().
 *
 * sluice runs these chunks as JavaScript: Kong's usual ones are valid in both languages (`return "bar"`,
 * `return kong.request.get_header("x-id")`, `return kong.router.get_route().name`) and mean the same through
 * the same PDK; `return nil`, Kong's way to remove a field, is taken as the null it means. Any other chunk that is
 * Lua only is refused at load, because the Lua engine does not hand back a chunk's return value yet — it is
 * never accepted and ignored.
 */
import { Type } from '@sinclair/typebox';
import type { Pdk } from '../../pdk/kong.js';
import { type CompiledFunction, compileServerless, ServerlessSyntaxError } from '../serverless/compile.js';
import { detectLanguage } from '../serverless/language.js';

/** pre-function's budget per call. */
const TIMEOUT_MS = 1000;

/** typedefs.lua_code: non-empty keys, non-empty chunks. */
export const customFieldsByLua = () =>
  Type.Unsafe<Record<string, string>>({
    type: 'object',
    propertyNames: { minLength: 1 },
    additionalProperties: { type: 'string', minLength: 1 },
  });

/** The first chunk that cannot run, as `custom_fields_by_lua.<key>: why` (Kong validates each chunk at load). */
export function checkCustomFields(config: Readonly<Record<string, unknown>>): string | null {
  const fields = config.custom_fields_by_lua as Record<string, string> | null | undefined;
  for (const [key, source] of Object.entries(fields ?? {})) {
    const err = sourceError(key, source);
    if (err !== null) return `custom_fields_by_lua.${key}: ${err}`;
  }
  return null;
}

// Kong's idiom for removing a field: Lua only because of `nil`, and nothing to run.
const RETURN_NIL = /^\s*return\s+nil\s*;?\s*$/;
const returnNull: CompiledFunction = () => null;

function sourceError(key: string, source: string): string | null {
  if (RETURN_NIL.test(source)) return null;
  const language = detectLanguage(source, `custom_fields_by_lua.${key}`);
  if (language instanceof ServerlessSyntaxError) return language.message;
  if (language === 'lua') {
    return 'a Lua-only chunk is not supported yet: sluice runs these chunks as JavaScript, which simple Lua ones also are (return "x", return kong.request.get_header("h"))';
  }
  return null;
}

export type CustomFields = readonly (readonly [string, CompiledFunction])[];

/** Compiles the map at load (the check has refused what cannot compile). */
export function compileCustomFields(plugin: string, fields: Readonly<Record<string, string>> | null | undefined): CustomFields {
  return Object.entries(fields ?? {}).map(([key, source]) => [
    key,
    RETURN_NIL.test(source) ? returnNull : compileServerless(source, `${plugin}.config.custom_fields_by_lua.${key}`, { timeoutMs: TIMEOUT_MS }),
  ]);
}

/**
 * Sets each field from its chunk, in key order; a chunk that throws is logged and its field left alone (Kong's
 * log phase would stop at the error; the entry still goes out here). Async only when a chunk awaits.
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
