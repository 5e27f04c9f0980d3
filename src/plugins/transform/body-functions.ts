import { compileServerless, ServerlessSyntaxError } from '../serverless/compile.js';
import type { JsonValue } from './json-value.js';

export type BodyFunction = (data: JsonValue) => JsonValue;

/** Budget for one call of a transform function; the body filter is synchronous, so it must stay short. */
export const TRANSFORM_TIMEOUT_MS = 1000;

// A source that reads as a function is used as is; anything else is a function body over `data`.
const FUNCTION_SOURCE = /^(?:async\s+)?(?:function\b|\([^()]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/;

/**
 * `transform.functions` in JavaScript, the counterpart of Kong's Lua functions: each receives the decoded
 * JSON body and returns the new one (returning nothing keeps the value it was given, so a function may
 * edit in place). Compiled once at load in its own node:vm context, like pre-/post-function.
 */
export function compileBodyFunctions(sources: readonly string[], label: string): BodyFunction[] {
  return sources.map((source, i) => {
    const trimmed = source.trim();
    const text = FUNCTION_SOURCE.test(trimmed) ? trimmed : `function (data) {\n${trimmed}\n}`;
    const name = `${label}[${i}]`;
    const fn = compileServerless(text, name, { timeoutMs: TRANSFORM_TIMEOUT_MS });
    return (data: JsonValue): JsonValue => {
      const out = fn(data);
      if (out !== null && typeof (out as Promise<unknown>)?.then === 'function') {
        throw new Error(`${name} returned a promise; transform functions must be synchronous`);
      }
      return out === undefined ? data : (out as JsonValue);
    };
  });
}

/** The config error for a transform function that does not compile, or null. */
export function checkBodyFunctions(sources: readonly string[] | undefined, label: string): string | null {
  const list = sources ?? [];
  for (let i = 0; i < list.length; i++) {
    try {
      compileBodyFunctions([list[i]!], label);
    } catch (err) {
      const line = err instanceof ServerlessSyntaxError && err.line !== null ? ` (line ${err.line})` : '';
      return `${label}[${i}]${line}: ${(err as Error).message}`;
    }
  }
  return null;
}
