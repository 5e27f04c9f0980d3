/**
 * The Lua 5.4 C API as wasmoon's WebAssembly build exports it, typed for the calls sluice makes. The raw
 * exports are used rather than wasmoon's object bridge: a serverless call crosses the boundary a few times and
 * each crossing has to stay a plain call (no proxies, no per-call allocation on the JS side).
 */
import { LuaWasm } from 'wasmoon';

/** A lua_State pointer. */
export type LuaState = number;

export interface RawLua {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _realloc(ptr: number, size: number): number;
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
  _lua_newstate(alloc: number, ud: number): LuaState;
  _luaL_loadbufferx(L: LuaState, buf: number, size: number, name: number, mode: number): number;
  _lua_pcallk(L: LuaState, nargs: number, nresults: number, errfunc: number, ctx: number, k: number): number;
  _lua_resume(L: LuaState, from: LuaState, nargs: number, nresults: number): number;
  _lua_resetthread(L: LuaState): number;
  _lua_newthread(L: LuaState): LuaState;
  _lua_tothread(L: LuaState, idx: number): LuaState;
  _lua_gettop(L: LuaState): number;
  _lua_settop(L: LuaState, idx: number): void;
  _lua_pushvalue(L: LuaState, idx: number): void;
  _lua_xmove(from: LuaState, to: LuaState, n: number): void;
  _lua_type(L: LuaState, idx: number): number;
  _lua_toboolean(L: LuaState, idx: number): number;
  _lua_tonumberx(L: LuaState, idx: number, isnum: number): number;
  _lua_isinteger(L: LuaState, idx: number): number;
  _lua_tolstring(L: LuaState, idx: number, len: number): number;
  _lua_touserdata(L: LuaState, idx: number): number;
  _lua_topointer(L: LuaState, idx: number): number;
  _lua_rawequal(L: LuaState, a: number, b: number): number;
  _lua_rawlen(L: LuaState, idx: number): number;
  _lua_pushnil(L: LuaState): void;
  _lua_pushnumber(L: LuaState, n: number): void;
  _lua_pushinteger(L: LuaState, n: bigint): void;
  _lua_pushlstring(L: LuaState, ptr: number, len: number): number;
  _lua_pushboolean(L: LuaState, b: number): void;
  _lua_pushlightuserdata(L: LuaState, p: number): void;
  _lua_pushcclosure(L: LuaState, fn: number, n: number): void;
  _lua_createtable(L: LuaState, narr: number, nrec: number): void;
  _lua_rawget(L: LuaState, idx: number): number;
  _lua_rawset(L: LuaState, idx: number): void;
  _lua_rawgeti(L: LuaState, idx: number, n: bigint): number;
  _lua_rawseti(L: LuaState, idx: number, n: bigint): void;
  _lua_next(L: LuaState, idx: number): number;
  _lua_getmetatable(L: LuaState, idx: number): number;
  _lua_error(L: LuaState): number;
  _lua_concat(L: LuaState, n: number): void;
  _lua_sethook(L: LuaState, fn: number, mask: number, count: number): void;
  _luaL_where(L: LuaState, level: number): void;
  _luaL_ref(L: LuaState, t: number): number;
  _luaL_unref(L: LuaState, t: number, ref: number): void;
  _luaopen_base(L: LuaState): number;
  _luaopen_coroutine(L: LuaState): number;
  _luaopen_table(L: LuaState): number;
  _luaopen_string(L: LuaState): number;
  _luaopen_math(L: LuaState): number;
  _luaopen_os(L: LuaState): number;
  _luaopen_utf8(L: LuaState): number;
}

export const LUA_REGISTRYINDEX = -1001000;
export const upvalueIndex = (i: number): number => LUA_REGISTRYINDEX - i;

export const T_NIL = 0;
export const T_BOOLEAN = 1;
export const T_LIGHTUSERDATA = 2;
export const T_NUMBER = 3;
export const T_STRING = 4;
export const T_TABLE = 5;
export const T_FUNCTION = 6;

export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_ERRMEM = 4;
export const LUA_MASKCOUNT = 8;

/**
 * The WebAssembly module, instantiated once per process (or worker) when this file is imported: like V8 for
 * node:vm contexts, it is the engine, not state. Lua states, functions and per-request tables live in it and
 * each has its owner (src/plugins/serverless/lua/engine.ts).
 */
export const wasm: RawLua = (await LuaWasm.initialize()).module as unknown as RawLua;
