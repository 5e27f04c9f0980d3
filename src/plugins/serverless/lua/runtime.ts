/**
 * The process's Lua engine (one per worker thread, like the WebAssembly module under it) and the two things
 * the serverless plugins ask of it: a syntax check, and a compiled function of the PDK (or chunk of a value).
 */
import type { Pdk } from '../../../pdk/kong.js';
import { KONG_VERSION } from '../../../util/versions.js';
import type { CompiledFunction, ServerlessOptions, ServerlessSyntaxError } from '../compile.js';
import { EXITED, LuaEngine } from './engine.js';
import { finishOutput, hostOps } from './host-ops.js';
import { EMPTY_ARRAY_POINTER, NULL_POINTER, pushNumber, pushString } from './values.js';
import { wasm } from './wasm.js';

/** What a function returns when it ended the phase for its plugin (kong.response.exit, ngx.exit). */
export const STOP_PHASE: unique symbol = Symbol('sluice.serverless.stop-phase');

const ops = hostOps();
const versionNum = KONG_VERSION.split('.').reduce((n, part) => n * 100 + Number(part), 0);

export const luaEngine = new LuaEngine(ops, (L) => {
  wasm._lua_createtable(L, 0, ops.length);
  ops.forEach((op, i) => {
    pushString(L, op.name);
    pushNumber(L, i);
    wasm._lua_rawset(L, -3);
  });
  wasm._lua_pushlightuserdata(L, NULL_POINTER);
  wasm._lua_pushlightuserdata(L, EMPTY_ARRAY_POINTER);
  pushString(L, KONG_VERSION);
  pushNumber(L, versionNum);
  pushNumber(L, process.pid);
  return 6;
});

export function luaSyntaxError(source: string, label: string): ServerlessSyntaxError | null {
  return luaEngine.syntaxError(source, label);
}

/** A Lua source as a serverless function: the same call shape as a JavaScript one. */
export function compileLua(source: string, label: string, opts: ServerlessOptions): CompiledFunction {
  const fn = luaEngine.compile(source, label, opts.timeoutMs);
  return (kong: unknown) => {
    const r = fn.call(kong as Pdk);
    return r instanceof Promise ? r.then((x) => finish(kong as Pdk, x)) : finish(kong as Pdk, r);
  };
}

/**
 * A Lua chunk run for its return value (custom_fields_by_lua): compiled once, run per call in a fresh sandbox
 * environment under pre-function's budgets; nil is null.
 */
export function compileLuaValue(source: string, label: string, opts: ServerlessOptions): CompiledFunction {
  const fn = luaEngine.compile(source, label, opts.timeoutMs, 'value');
  return (kong: unknown) => {
    const r = fn.evaluate(kong as Pdk);
    return r instanceof Promise ? r.then(nullIfNil) : nullIfNil(r);
  };
}

const nullIfNil = (v: unknown): unknown => (v === undefined ? null : v);

/** A function that printed with ngx.say and did not call ngx.exit answers with what it printed (nginx sent it). */
function finish(kong: Pdk, r: undefined | typeof EXITED): undefined | typeof STOP_PHASE {
  const scope = luaEngine.peekScope(kong);
  if (scope?.output) {
    finishOutput(kong, scope, null);
    return STOP_PHASE;
  }
  return r === EXITED ? STOP_PHASE : undefined;
}
