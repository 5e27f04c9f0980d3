/**
 * The Lua VM that runs Kong's Lua pre-/post-function sources: one lua_State per process (per worker thread),
 * as one LuaJIT VM serves every plugin of an nginx worker. Each function gets its own sandbox environment
 * (Kong's kong/tools/sandbox: a fresh global table over the read-only allowed names), each call runs in a
 * coroutine (so kong.response.exit and ngx.exit stop the function even inside pcall, and a body read can wait),
 * and each call has a time budget (an instruction-count hook) and an allocation budget (the state's allocator).
 *
 * Host calls: every function of the `kong`/`ngx` tables is a C closure over one JS dispatcher, numbered; the
 * dispatcher reads the Lua arguments, calls the operation (src/plugins/serverless/lua/host-ops.ts) on the
 * request being run and pushes the results. A JS error becomes a Lua error at the caller's line, as Kong's
 * `error(msg, 2)`.
 */
import type { Pdk } from '../../../pdk/kong.js';
import type { Span } from '../../../pdk/tracing.js';
import { ServerlessSyntaxError } from '../compile.js';
import { PRELUDE } from './prelude.js';
import { type ArrayMarker, cString, LuaRef, Multi, pushString, pushValue, readText, readValue } from './values.js';
import {
  LUA_MASKCOUNT,
  LUA_OK,
  LUA_REGISTRYINDEX,
  LUA_YIELD,
  type LuaState,
  T_FUNCTION,
  T_NIL,
  T_TABLE,
  upvalueIndex,
  wasm,
} from './wasm.js';

/** What a host operation receives: the request being run and its Lua-side scope (made on first use). */
export class HostCall {
  #scope: RequestScope | null = null;

  constructor(
    readonly kong: Pdk,
    readonly engine: LuaEngine,
  ) {}

  get scope(): RequestScope {
    return (this.#scope ??= this.engine.scopeOf(this.kong));
  }
}

/**
 * One operation Lua code can call. `fn` gets the arguments as JS values; `raw` works on the Lua stack itself
 * (for values that must stay Lua values, such as a table stored in kong.ctx.shared) and returns how many results
 * it pushed. `level` is where the caller's position is taken for error messages (2 when a prelude wrapper stands
 * between the user's code and the operation).
 */
export interface HostOp {
  readonly name: string;
  readonly fn?: (args: unknown[], call: HostCall) => unknown;
  readonly raw?: (L: LuaState, argc: number, call: HostCall) => number;
  readonly level?: number;
}

/** Per request, what the Lua side keeps beside the PDK (ngx.ctx, ngx.say's output, the body ngx.req read). */
export class RequestScope {
  /** Registry references owned by this request, released when it is collected. */
  readonly refs = new Set<number>();
  ngxCtx: LuaRef | null = null;
  output: string[] | null = null;
  /** ngx.status as set before the response exists (rewrite/access). */
  status = 0;
  body: Buffer | null = null;
  bodyRead = false;
  /** Response headers ngx.header set before the response exists, as ngx.header reads them back there. */
  headers: Map<string, unknown> | null = null;
  /** ngx.header set a Content-Type (else ngx.say's answer is text/plain, nginx's default_type). */
  contentType = false;
  /** The spans handed to Lua, by handle id (src/plugins/serverless/lua/span-ops.ts). */
  spans: Map<number, Span> | null = null;
}

/** Why a call ended early: kong.response.exit / ngx.exit (Kong stops the plugin's functions for this phase). */
export const EXITED: unique symbol = Symbol('sluice.lua.exited');

const KIB = 1024;
/** The whole Lua heap (all functions of all snapshots); a call beyond it fails with "not enough memory". */
const HEAP_LIMIT = 512 * KIB * KIB;
/** What one call may allocate on top of what was live when it started. */
const CALL_ALLOCATION_LIMIT = 64 * KIB * KIB;
const POOL_SIZE = 64;
const HOOK_EVERY = 1000;
const RIDX_GLOBALS = 2n;
const resultsPtr = wasm._malloc(8);

export class LuaEngine implements ArrayMarker {
  readonly L: LuaState;
  #ops: HostOp[] = [];
  #used = 0;
  #sliceBase = 0;
  #sliceLimit = Number.POSITIVE_INFINITY;
  #deadline = Number.POSITIVE_INFINITY;
  #budgetMs = 0;
  #current: HostCall | null = null;
  #hook = 0;
  readonly #scopes = new WeakMap<Pdk, RequestScope>();
  readonly #released = new FinalizationRegistry<Set<number>>((refs) => {
    for (const r of refs) wasm._luaL_unref(this.L, LUA_REGISTRYINDEX, r);
  });
  readonly #pending = new Map<LuaState, Promise<unknown>>();
  readonly #settled = new Map<LuaState, { ok: boolean; value: unknown; tuple: boolean }>();
  readonly #free: LuaState[] = [];
  readonly #slots = new Map<LuaState, number>();
  readonly #freeSlots: number[] = [];
  #poolCount = 0;
  #poolRef = 0;
  #pendingToken = 0;
  #exitToken = 0;
  #arrayMt = 0;
  #compileRef = 0;
  #compileValueRef = 0;
  readonly #modeT = cString('t');

  /** `preludeArgs` pushes the prelude's arguments after `bind` and returns how many. */
  constructor(ops: readonly HostOp[], preludeArgs: (L: LuaState) => number) {
    const alloc = wasm.addFunction((_ud: number, ptr: number, osize: number, nsize: number): number => this.#alloc(ptr, osize, nsize), 'iiiii');
    this.L = wasm._lua_newstate(alloc, 0);
    if (this.L === 0) throw new Error('could not create the Lua state');
    // Past the deadline the hook fires on every instruction, so a loop around pcall cannot swallow the error.
    this.#hook = wasm.addFunction((L: number) => {
      if (Date.now() > this.#deadline) {
        wasm._lua_sethook(L, this.#hook, LUA_MASKCOUNT, 1);
        pushString(L, `exceeded its time budget of ${this.#budgetMs} ms`);
        wasm._lua_error(L);
      }
    }, 'vii');
    this.#openLibraries();
    this.#ops = [...ops];
    const host = wasm.addFunction((L: number) => this.#dispatch(L, wasm._lua_tonumberx(L, upvalueIndex(1), 0)), 'ii');
    const bind = wasm.addFunction((L: number) => {
      wasm._lua_pushvalue(L, 1);
      wasm._lua_pushcclosure(L, host, 1);
      return 1;
    }, 'ii');
    this.#runPrelude(bind, preludeArgs);
    wasm._lua_createtable(this.L, POOL_SIZE, 0);
    this.#poolRef = wasm._luaL_ref(this.L, LUA_REGISTRYINDEX);
  }

  #alloc(ptr: number, osize: number, nsize: number): number {
    const old = ptr === 0 ? 0 : osize;
    if (nsize === 0) {
      if (ptr !== 0) {
        this.#used -= old;
        wasm._free(ptr);
      }
      return 0;
    }
    const next = this.#used - old + nsize;
    if (nsize > old && (next > HEAP_LIMIT || next - this.#sliceBase > this.#sliceLimit)) return 0;
    const p = wasm._realloc(ptr, nsize);
    if (p !== 0) this.#used = next;
    return p;
  }

  /** Kong's sandbox keeps only part of each library (kong/tools/sandbox/environment/lua.lua); io, debug, package are never opened. */
  #openLibraries(): void {
    const L = this.L;
    wasm._luaopen_base(L);
    wasm._lua_settop(L, 0);
    const libs: [string, (L: LuaState) => number][] = [
      ['coroutine', wasm._luaopen_coroutine],
      ['table', wasm._luaopen_table],
      ['string', wasm._luaopen_string],
      ['math', wasm._luaopen_math],
      ['os', wasm._luaopen_os],
      ['utf8', wasm._luaopen_utf8],
    ];
    wasm._lua_rawgeti(L, LUA_REGISTRYINDEX, RIDX_GLOBALS);
    for (const [name, open] of libs) {
      pushString(L, name);
      open(L);
      wasm._lua_rawset(L, 1);
    }
    wasm._lua_settop(L, 0);
  }

  #runPrelude(bind: number, preludeArgs: (L: LuaState) => number): void {
    const L = this.L;
    this.#load(PRELUDE, '=sluice-lua-prelude');
    wasm._lua_pushcclosure(L, bind, 0);
    const n = 1 + preludeArgs(L);
    if (wasm._lua_pcallk(L, n, 1, 0, 0, 0) !== LUA_OK) throw new Error(`Lua prelude: ${readText(L, -1)}`);
    // It returns { compile, compile_value, PENDING, EXIT, array_mt }.
    const field = (name: string): number => {
      pushString(L, name);
      wasm._lua_rawget(L, 1);
      return wasm._luaL_ref(L, LUA_REGISTRYINDEX);
    };
    this.#compileRef = field('compile');
    this.#compileValueRef = field('compile_value');
    this.#pendingToken = field('PENDING');
    this.#exitToken = field('EXIT');
    this.#arrayMt = field('array_mt');
    wasm._lua_settop(L, 0);
  }

  /** luaL_loadbufferx on the main state: the chunk or the error message is left on the stack. */
  #load(source: string, chunkname: string): number {
    const bytes = Buffer.from(source);
    const src = wasm._malloc(bytes.length + 1);
    wasm.HEAPU8.set(bytes, src);
    const name = cString(chunkname);
    try {
      return wasm._luaL_loadbufferx(this.L, src, bytes.length, name, this.#modeT);
    } finally {
      wasm._free(src);
      wasm._free(name);
    }
  }

  /** The syntax error of a source (Lua's own message and line), or null: what `luac -p` would say. */
  syntaxError(source: string, label: string): ServerlessSyntaxError | null {
    const status = this.#load(source, `=${label}`);
    const err = status === LUA_OK ? null : toSyntaxError(readText(this.L, -1), label);
    wasm._lua_settop(this.L, 0);
    return err;
  }

  /**
   * Compiles a source into its own sandbox environment; throws its syntax error. A 'function' is a pre-function
   * source (Kong's first-run logic); a 'value' is a chunk run for its return value (custom_fields_by_lua).
   */
  compile(source: string, label: string, budgetMs: number, kind: 'function' | 'value' = 'function'): LuaFunction {
    const err = this.syntaxError(source, label);
    if (err !== null) throw err;
    const L = this.L;
    wasm._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(kind === 'function' ? this.#compileRef : this.#compileValueRef));
    pushString(L, source);
    pushString(L, `=${label}`);
    if (wasm._lua_pcallk(L, 2, 1, 0, 0, 0) !== LUA_OK || wasm._lua_type(L, -1) !== T_FUNCTION) {
      const msg = readText(L, -1);
      wasm._lua_settop(L, 0);
      throw new ServerlessSyntaxError(`${label}: ${msg}`, null, null);
    }
    const ref = wasm._luaL_ref(L, LUA_REGISTRYINDEX);
    const fn = new LuaFunction(this, ref, label, budgetMs);
    this.#released.register(fn, new Set([ref]));
    return fn;
  }

  /** The request's scope if Lua code made one. */
  peekScope(kong: Pdk): RequestScope | undefined {
    return this.#scopes.get(kong);
  }

  scopeOf(kong: Pdk): RequestScope {
    let s = this.#scopes.get(kong);
    if (s === undefined) {
      s = new RequestScope();
      this.#scopes.set(kong, s);
      this.#released.register(kong, s.refs);
    }
    return s;
  }

  /** Anchors the Lua value at idx for the request (kong.ctx.shared tables, ngx.ctx). */
  refFor(L: LuaState, idx: number, scope: RequestScope): LuaRef {
    wasm._lua_pushvalue(L, idx);
    const r = wasm._luaL_ref(L, LUA_REGISTRYINDEX);
    scope.refs.add(r);
    return new LuaRef(r);
  }

  release(ref: LuaRef, scope: RequestScope): void {
    if (scope.refs.delete(ref.ref)) wasm._luaL_unref(this.L, LUA_REGISTRYINDEX, ref.ref);
  }

  isArrayTable(L: LuaState, idx: number): boolean {
    if (wasm._lua_getmetatable(L, idx) === 0) return false;
    wasm._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.#arrayMt));
    const same = wasm._lua_rawequal(L, -1, -2) !== 0;
    wasm._lua_settop(L, -3);
    return same;
  }

  read(L: LuaState, idx: number): unknown {
    return readValue(L, idx, this);
  }

  #dispatch(L: LuaState, op: number): number {
    const entry = this.#ops[op]!;
    const call = this.#current;
    const argc = wasm._lua_gettop(L);
    let message: string;
    try {
      if (call === null) throw new Error(`${entry.name} is only available while a request is being handled`);
      if (entry.raw !== undefined) return entry.raw(L, argc, call);
      const args = new Array<unknown>(argc);
      for (let i = 0; i < argc; i++) args[i] = readValue(L, i + 1, this);
      const result = entry.fn!(args, call);
      return this.#pushResult(L, result);
    } catch (err) {
      if (!(err instanceof Error)) throw err; // a Lua error unwinding through this frame (emscripten's longjmp)
      message = err.message;
    }
    wasm._lua_settop(L, 0);
    wasm._luaL_where(L, entry.level ?? 1);
    pushString(L, message);
    wasm._lua_concat(L, 2);
    return wasm._lua_error(L);
  }

  #pushResult(L: LuaState, result: unknown): number {
    if (result === undefined) return 0;
    if (result instanceof Multi) {
      for (const v of result.values) pushValue(L, v);
      return result.values.length;
    }
    if (result !== null && typeof (result as Promise<unknown>).then === 'function') {
      this.#pending.set(L, result as Promise<unknown>);
      wasm._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.#pendingToken));
      return 1;
    }
    pushValue(L, result);
    return 1;
  }

  /** TAKE: the settled value of the promise this thread waited for, or its error raised in Lua. */
  take(L: LuaState, tuple: boolean): unknown {
    const s = this.#settled.get(L);
    this.#settled.delete(L);
    if (s === undefined) throw new Error('nothing to take');
    if (!s.ok) throw s.value instanceof Error ? s.value : new Error(String(s.value));
    return tuple && Array.isArray(s.value) ? new Multi(s.value) : s.value;
  }

  #acquire(): LuaState {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    return this.#newThread(this.#freeSlots.pop() ?? ++this.#poolCount);
  }

  /** A coroutine anchored in the pool table at `slot` (the slot's previous thread, if any, becomes garbage). */
  #newThread(slot: number): LuaState {
    const L = this.L;
    wasm._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.#poolRef));
    const T = wasm._lua_newthread(L);
    wasm._lua_rawseti(L, -2, BigInt(slot));
    wasm._lua_settop(L, 0);
    this.#slots.set(T, slot);
    return T;
  }

  /**
   * 'ok': reusable as it is; 'exit': suspended by EXIT, reset; 'failed': an error may have left the thread with
   * hooks off (Lua does not restore allowhook when a hook's error ends a resume), so a new one takes its slot.
   */
  #releaseThread(T: LuaState, how: 'ok' | 'exit' | 'failed'): void {
    const slot = this.#slots.get(T)!;
    let next = T;
    if (how === 'failed') {
      this.#slots.delete(T);
      next = this.#newThread(slot);
    } else {
      if (how === 'exit') wasm._lua_resetthread(T);
      wasm._lua_settop(T, 0);
    }
    if (this.#free.length < POOL_SIZE) {
      this.#free.push(next);
      return;
    }
    // Beyond the pool (many calls waited at once), the thread goes.
    const L = this.L;
    wasm._lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.#poolRef));
    wasm._lua_pushnil(L);
    wasm._lua_rawseti(L, -2, BigInt(slot));
    wasm._lua_settop(L, 0);
    this.#slots.delete(next);
    this.#freeSlots.push(slot);
  }

  /**
   * Runs the function `ref` for one request: synchronously to the end unless it waits for a body (then a
   * promise). Returns EXITED when kong.response.exit / ngx.exit ended it.
   */
  run(ref: number, kong: Pdk, budgetMs: number, label: string): undefined | typeof EXITED | Promise<undefined | typeof EXITED> {
    return this.#start(ref, kong, budgetMs, label, false) as undefined | typeof EXITED | Promise<undefined | typeof EXITED>;
  }

  /**
   * Runs a 'value' chunk for one request, under the same budgets, and returns its value as JS data (cjson's
   * rules, src/plugins/serverless/lua/values.ts; nil is undefined); a promise if it waited for a body.
   */
  evaluate(ref: number, kong: Pdk, budgetMs: number, label: string): unknown {
    const r = this.#start(ref, kong, budgetMs, label, true);
    if (r instanceof Promise) return r.then((v: unknown) => (v === EXITED ? undefined : v));
    return r === EXITED ? undefined : r;
  }

  #start(ref: number, kong: Pdk, budgetMs: number, label: string, wantValue: boolean): unknown {
    const T = this.#acquire();
    wasm._lua_rawgeti(T, LUA_REGISTRYINDEX, BigInt(ref));
    const call = new HostCall(kong, this);
    return this.#slice(T, call, 0, budgetMs, label, 0, wantValue);
  }

  /** One resume of T: what the call returned (its value when `wantValue`), EXITED, or a promise of either. */
  #slice(T: LuaState, call: HostCall, nargs: number, remainingMs: number, label: string, spentMs: number, wantValue: boolean): unknown {
    const started = Date.now();
    const previous = this.#current;
    this.#current = call;
    this.#deadline = started + remainingMs;
    this.#budgetMs = spentMs + remainingMs;
    this.#sliceBase = this.#used;
    this.#sliceLimit = CALL_ALLOCATION_LIMIT;
    wasm._lua_sethook(T, this.#hook, LUA_MASKCOUNT, HOOK_EVERY);
    let status: number;
    try {
      status = wasm._lua_resume(T, this.L, nargs, resultsPtr);
    } finally {
      this.#current = previous;
      this.#deadline = Number.POSITIVE_INFINITY;
      this.#sliceLimit = Number.POSITIVE_INFINITY;
    }
    const left = remainingMs - (Date.now() - started);
    if (status === LUA_OK) {
      if (!wantValue) {
        this.#releaseThread(T, 'ok');
        return undefined;
      }
      try {
        return wasm._lua_gettop(T) === 0 ? undefined : readValue(T, -1, this);
      } catch (err) {
        throw new Error(`${label}: ${(err as Error).message}`, { cause: err });
      } finally {
        this.#releaseThread(T, 'ok');
      }
    }
    if (status !== LUA_YIELD) {
      const message = readText(T, -1);
      this.#pending.delete(T);
      this.#releaseThread(T, 'failed');
      throw new Error(message.startsWith(label) ? message : `${label}: ${message}`);
    }
    if (this.#isToken(T, this.#exitToken)) {
      this.#releaseThread(T, 'exit');
      return EXITED;
    }
    const pending = this.#pending.get(T);
    if (pending === undefined || !this.#isToken(T, this.#pendingToken)) {
      this.#releaseThread(T, 'exit');
      throw new Error(`${label}: attempt to yield from outside a coroutine`);
    }
    this.#pending.delete(T);
    wasm._lua_settop(T, 0);
    const spent = spentMs + remainingMs - left;
    const resume = (settled: { ok: boolean; value: unknown; tuple: boolean }): unknown => {
      this.#settled.set(T, settled);
      return this.#slice(T, call, 0, Math.max(left, 1), label, spent, wantValue);
    };
    return pending.then(
      (value) => resume({ ok: true, value, tuple: true }),
      (value: unknown) => resume({ ok: false, value, tuple: true }),
    );
  }

  #isToken(T: LuaState, token: number): boolean {
    if (wasm._lua_gettop(T) < 1) return false;
    wasm._lua_rawgeti(T, LUA_REGISTRYINDEX, BigInt(token));
    const same = wasm._lua_rawequal(T, 1, -1) !== 0;
    wasm._lua_settop(T, -2);
    return same;
  }

  /** Bytes the Lua heap holds now (tests: reloads must give memory back). */
  get heapBytes(): number {
    return this.#used;
  }

  /** Whether the value at idx is nil or a table (for raw ops). */
  static isTableOrNil(L: LuaState, idx: number): boolean {
    const t = wasm._lua_type(L, idx);
    return t === T_TABLE || t === T_NIL;
  }
}

/** A compiled Lua function: the runner closure holding Kong's first-run logic (prelude `compile`). */
export class LuaFunction {
  constructor(
    readonly engine: LuaEngine,
    readonly ref: number,
    readonly label: string,
    readonly budgetMs: number,
  ) {}

  call(kong: Pdk): undefined | typeof EXITED | Promise<undefined | typeof EXITED> {
    return this.engine.run(this.ref, kong, this.budgetMs, this.label);
  }

  /** For a 'value' chunk: its return value. */
  evaluate(kong: Pdk): unknown {
    return this.engine.evaluate(this.ref, kong, this.budgetMs, this.label);
  }
}

/** Lua's "label:LINE: message" into the line and the message. */
function toSyntaxError(message: string, label: string): ServerlessSyntaxError {
  const prefix = `${label}:`;
  const rest = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  const m = /^(\d+): ([\s\S]*)$/.exec(rest);
  const line = m ? Number(m[1]) : null;
  return new ServerlessSyntaxError(`Lua syntax error: ${m ? m[2]! : rest}`, line, null);
}
