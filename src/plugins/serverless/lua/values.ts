/**
 * Values across the Lua/JavaScript boundary, with lua-cjson's rules because that is what Kong code expects of
 * a table turned into data (kong.response.exit's body, cjson.encode, kong.service.request.set_body):
 * - a table whose keys are 1..n is an array (holes become null; an excessively sparse one is refused), an
 *   empty table is an object unless it carries cjson.array_mt or is cjson.empty_array;
 * - ngx.null / cjson.null (a NULL light userdata, as OpenResty's) is JSON null; a nested JS null comes back as it;
 * - a JS integer becomes a Lua integer, so `tostring(kong.response.get_status())` is "200" as under LuaJIT;
 * - a Lua string that is not UTF-8 becomes a Buffer (bodies stay byte-exact), any other a JS string.
 */
import { LUA_REGISTRYINDEX, type LuaState, T_BOOLEAN, T_LIGHTUSERDATA, T_NIL, T_NUMBER, T_STRING, T_TABLE, wasm } from './wasm.js';

/** A Lua value kept in the registry (a table stored in kong.ctx.shared, a pending thread): its reference. */
export class LuaRef {
  constructor(readonly ref: number) {}
}

/** A JS value pushed as several Lua values (`local ok, err = kong.service.set_upstream(…)`). */
export class Multi {
  constructor(readonly values: readonly unknown[]) {}
}

export const NULL_POINTER = 0;
export const EMPTY_ARRAY_POINTER = 1;
const MAX_DEPTH = 100;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Scratch space in the wasm heap for strings crossing into Lua, grown on demand. */
let scratch = 0;
let scratchSize = 0;
const lenPtr = wasm._malloc(8);
const isNumPtr = wasm._malloc(8);

function scratchFor(bytes: number): number {
  if (bytes > scratchSize) {
    if (scratch !== 0) wasm._free(scratch);
    scratchSize = Math.max(bytes, 4096);
    scratch = wasm._malloc(scratchSize);
  }
  return scratch;
}

/** A NUL-terminated copy in the heap that the caller frees (chunk names, sources). */
export function cString(s: string): number {
  const bytes = encoder.encode(s);
  const p = wasm._malloc(bytes.length + 1);
  wasm.HEAPU8.set(bytes, p);
  wasm.HEAPU8[p + bytes.length] = 0;
  return p;
}

export function pushString(L: LuaState, s: string): void {
  const n = s.length;
  if (n < 256) {
    // Short ASCII strings (header names, phases, methods) skip the encoder.
    const p = scratchFor(256);
    const heap = wasm.HEAPU8;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      heap[p + i] = c;
    }
    if (i === n) {
      wasm._lua_pushlstring(L, p, n);
      return;
    }
  }
  const p = scratchFor(n * 3);
  const { written } = encoder.encodeInto(s, wasm.HEAPU8.subarray(p, p + n * 3));
  wasm._lua_pushlstring(L, p, written);
}

export function pushBytes(L: LuaState, b: Uint8Array): void {
  const p = scratchFor(b.length);
  wasm.HEAPU8.set(b, p);
  wasm._lua_pushlstring(L, p, b.length);
}

/** The string at idx (which must be a string or a number), decoded; bytes when not UTF-8. */
export function readString(L: LuaState, idx: number): string | Buffer {
  const p = wasm._lua_tolstring(L, idx, lenPtr);
  const n = wasm.HEAPU32[lenPtr >> 2]!;
  const heap = wasm.HEAPU8;
  if (n < 64) {
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (heap[p + i]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, heap.subarray(p, p + n) as unknown as number[]);
  }
  const bytes = heap.subarray(p, p + n);
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes);
  }
}

/** The value at idx as text, whatever it is (error objects, tostring-less values). */
export function readText(L: LuaState, idx: number): string {
  const t = wasm._lua_type(L, idx);
  if (t === T_STRING || t === T_NUMBER) return String(readString(L, idx));
  if (t === T_NIL) return 'nil';
  if (t === T_BOOLEAN) return wasm._lua_toboolean(L, idx) ? 'true' : 'false';
  return `(error object is a ${typeName(t)} value)`;
}

export function readNumber(L: LuaState, idx: number): number {
  return wasm._lua_tonumberx(L, idx, isNumPtr);
}

export function typeName(t: number): string {
  return ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'][t] ?? 'no value';
}

export function pushNumber(L: LuaState, n: number): void {
  if (Number.isSafeInteger(n)) wasm._lua_pushinteger(L, BigInt(n));
  else wasm._lua_pushnumber(L, n);
}

/** Pushes one JS value; null and undefined are nil at the top, NULL (JSON null) inside tables. */
export function pushValue(L: LuaState, v: unknown, depth = 0): void {
  switch (typeof v) {
    case 'string':
      return pushString(L, v);
    case 'number':
      return pushNumber(L, v);
    case 'boolean':
      return wasm._lua_pushboolean(L, v ? 1 : 0);
    case 'undefined':
      return wasm._lua_pushnil(L);
    case 'object':
      break;
    default:
      return wasm._lua_pushnil(L);
  }
  if (v === null) {
    if (depth === 0) wasm._lua_pushnil(L);
    else wasm._lua_pushlightuserdata(L, NULL_POINTER);
    return;
  }
  if (v instanceof Uint8Array) return pushBytes(L, v);
  if (v instanceof LuaRef) {
    wasm._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(v.ref));
    return;
  }
  if (depth >= MAX_DEPTH) return wasm._lua_pushnil(L);
  if (Array.isArray(v)) {
    wasm._lua_createtable(L, v.length, 0);
    for (let i = 0; i < v.length; i++) {
      pushValue(L, v[i] === undefined ? null : v[i], depth + 1);
      wasm._lua_rawseti(L, -2, BigInt(i + 1));
    }
    return;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return wasm._lua_pushnil(L); // Maps, class instances: not data
  const o = v as Record<string, unknown>;
  wasm._lua_createtable(L, 0, 4);
  for (const k in o) {
    const x = o[k];
    if (x === undefined || typeof x === 'function') continue;
    pushString(L, k);
    pushValue(L, x, depth + 1);
    wasm._lua_rawset(L, -3);
  }
}

/** How readValue recognizes cjson's array marker: a test of the metatable of the table at idx. */
export interface ArrayMarker {
  isArrayTable(L: LuaState, idx: number): boolean;
}

/** Reads the Lua value at idx as JS data (cjson's rules, above). Functions and userdata are refused as cjson does. */
export function readValue(L: LuaState, idx: number, marker: ArrayMarker, depth = 0): unknown {
  const t = wasm._lua_type(L, idx);
  switch (t) {
    case T_NIL:
      return undefined;
    case T_BOOLEAN:
      return wasm._lua_toboolean(L, idx) !== 0;
    case T_NUMBER:
      return readNumber(L, idx);
    case T_STRING:
      return readString(L, idx);
    case T_LIGHTUSERDATA: {
      const p = wasm._lua_touserdata(L, idx);
      if (p === NULL_POINTER) return null;
      if (p === EMPTY_ARRAY_POINTER) return [];
      break;
    }
    case T_TABLE:
      return readTable(L, idx < 0 ? wasm._lua_gettop(L) + idx + 1 : idx, marker, depth);
  }
  throw new Error(`Cannot serialise ${typeName(t)}: type not supported`);
}

function readTable(L: LuaState, idx: number, marker: ArrayMarker, depth: number): unknown {
  if (depth >= MAX_DEPTH) throw new Error(`Cannot serialise, excessive nesting (${depth + 1})`);
  const keys: (string | number)[] = [];
  const values: unknown[] = [];
  let max = 0;
  let allIndexes = true;
  wasm._lua_pushnil(L);
  while (wasm._lua_next(L, idx) !== 0) {
    // The key stays where lua_next needs it: never tolstring a number key in place.
    const kt = wasm._lua_type(L, -2);
    let key: string | number;
    if (kt === T_NUMBER) {
      key = readNumber(L, -2);
      if (Number.isInteger(key) && key >= 1) max = Math.max(max, key);
      else allIndexes = false;
    } else if (kt === T_STRING) {
      key = String(readString(L, -2));
      allIndexes = false;
    } else {
      wasm._lua_settop(L, -3);
      throw new Error(`Cannot serialise ${typeName(kt)}: table key must be a number or string`);
    }
    let value: unknown;
    try {
      value = readValue(L, -1, marker, depth + 1);
    } catch (err) {
      wasm._lua_settop(L, -3);
      throw err;
    }
    keys.push(key);
    values.push(value);
    wasm._lua_settop(L, -2);
  }
  if (keys.length === 0) return marker.isArrayTable(L, idx) ? [] : {};
  if (allIndexes) {
    if (max > keys.length * 2 && max > 10) throw new Error('Cannot serialise table: excessively sparse array');
    const arr: unknown[] = new Array<unknown>(max).fill(null);
    for (let i = 0; i < keys.length; i++) arr[(keys[i] as number) - 1] = values[i];
    return arr;
  }
  const obj = Object.create(null) as Record<string, unknown>; // a Lua key `__proto__` is a key
  for (let i = 0; i < keys.length; i++) obj[String(keys[i])] = values[i];
  return obj;
}
