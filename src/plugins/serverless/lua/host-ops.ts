/**
 * What Lua code can call in JS. `kong.*`: every PDK function of src/pdk/phase-rules.ts (and kong.websocket's),
 * bound by name to the very methods JavaScript functions call, so phase checks, argument checks and messages
 * are the PDK's. `ngx.*`: the subset Kong snippets use, each answered through the PDK. `cjson`: encode/decode
 * with lua-cjson's table rules (src/plugins/serverless/lua/values.ts).
 */
import type { Pdk } from '../../../pdk/kong.js';
import { PDK_PHASES } from '../../../pdk/phase-rules.js';
import { WEBSOCKET_PDK_PHASES } from '../../../pdk/websocket.js';
import type { HostCall, HostOp, LuaEngine, RequestScope } from './engine.js';
import { getVar, setVar } from './ngx-var.js';
import { ngxCodec, ngxTime } from './ngx-util.js';
import { execAt, RegexCache } from './pcre.js';
import { spanOps, tracingOp } from './span-ops.js';
import { LuaRef, Multi, pushString, pushValue, readString, readNumber } from './values.js';
import { type LuaState, T_FUNCTION, T_NUMBER, T_STRING, T_TABLE, wasm } from './wasm.js';

/**
 * PDK functions that return Lua's multiple values (`local ok, err = …`), which the JS PDK returns as an array.
 * test/plugins/serverless-lua-bridge.test.ts checks that each is a PDK function.
 */
export const MULTIPLE_RETURNS: ReadonlySet<string> = new Set([
  'kong.client.load_consumer',
  'kong.log.set_serialize_value',
  'kong.request.get_body',
  'kong.service.set_upstream',
  'kong.service.set_tls_cert_key',
  'kong.service.set_tls_verify',
  'kong.service.set_tls_verify_depth',
  'kong.service.set_tls_verify_store',
  'kong.service.request.set_body',
  'kong.service.response.get_body',
  'kong.websocket.client.get_frame',
  'kong.websocket.upstream.get_frame',
]);

/** PDK functions the prelude wraps (so the caller's line is one level further up). */
const WRAPPED = new Set([
  'kong.response.exit',
  'kong.response.error',
  'kong.request.get_raw_body',
  'kong.request.get_body',
  'kong.request.get_headers',
  'kong.response.get_headers',
  'kong.service.response.get_headers',
  'kong.log.debug',
  'kong.log.info',
  'kong.log.notice',
  'kong.log.warn',
  'kong.log.err',
  'kong.log.crit',
  'kong.log.alert',
  'kong.log.emerg',
]);

/** Every PDK function Lua code can call (kong.ctx's tables are not functions: the prelude builds them). */
export const PDK_FUNCTIONS: readonly string[] = [...Object.keys(PDK_PHASES), ...Object.keys(WEBSOCKET_PDK_PHASES)].filter(
  (n) => !n.startsWith('kong.ctx.'),
);

function pdkOp(name: string): HostOp {
  const parts = name.split('.').slice(1);
  const method = parts.pop()!;
  const tuple = MULTIPLE_RETURNS.has(name);
  const ns = parts.join('.');
  return {
    name,
    level: WRAPPED.has(name) ? 2 : 1,
    fn: (args, { kong }) => {
      let target: unknown = kong;
      for (const p of parts) target = (target as Record<string, unknown> | null)?.[p];
      if (target === null || target === undefined) throw new Error(`kong.${ns} is not available in the ${kong.phase} phase`);
      const r = (target as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);
      return tuple && Array.isArray(r) ? new Multi(r) : r;
    },
  };
}

const LOG_LEVELS = ['err', 'emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'] as const;
const METHODS: Readonly<Record<number, string>> = {
  2: 'GET',
  4: 'HEAD',
  8: 'POST',
  16: 'PUT',
  32: 'DELETE',
  64: 'MKCOL',
  128: 'COPY',
  256: 'MOVE',
  512: 'OPTIONS',
  1024: 'PROPFIND',
  2048: 'PROPPATCH',
  4096: 'LOCK',
  8192: 'UNLOCK',
  16384: 'PATCH',
  32768: 'TRACE',
};
const NGX_PHASES: Readonly<Record<string, string>> = { certificate: 'ssl_cert' };
const RESPONSE_PHASES = new Set(['header_filter', 'body_filter', 'log']);
const CONTENT_PHASES = new Set(['rewrite', 'access', 'ws_handshake']);

function ctxTarget(kong: Pdk, which: number): Record<string, unknown> {
  return which === 1 ? kong.ctx.plugin : kong.ctx.shared;
}

function pushCtxValue(L: LuaState, v: unknown): void {
  pushValue(L, v instanceof LuaRef ? v : v === null ? undefined : v);
}

/** ngx.exit(status) (and the end of a function that printed with ngx.say): the answer Kong's nginx would send. */
export function finishOutput(kong: Pdk, scope: RequestScope, status: number | null): void {
  const out = scope.output;
  scope.output = null;
  if (out !== null) {
    const code = scope.status !== 0 ? scope.status : status !== null && status >= 200 ? status : 200;
    kong.response.exit(code, out.join(''), scope.contentType ? undefined : { 'content-type': 'text/plain' });
    return;
  }
  if (status === null || status < 200) return;
  // nginx answers a bare status with its own page; Kong's error handler gives its JSON message for errors.
  if (status >= 400) kong.response.error(status);
  else kong.response.exit(status);
}

function readBody(kong: Pdk, scope: RequestScope): Promise<undefined> | undefined {
  if (scope.bodyRead) return undefined;
  return kong.request.get_raw_body().then((b) => {
    scope.body = b;
    scope.bodyRead = true;
    return undefined;
  });
}

export function hostOps(regexes: RegexCache = new RegexCache()): HostOp[] {
  const ops: HostOp[] = PDK_FUNCTIONS.map((n) => (n.startsWith('kong.tracing.') ? tracingOp(n) : pdkOp(n)));
  ops.push(...spanOps());
  const add = (op: HostOp) => ops.push(op);
  const pure = (name: string, f: (...a: unknown[]) => unknown) => add({ name, fn: (args) => f(...args) });

  add({ name: 'take', raw: (L, _n, call) => pushAll(L, call.engine.take(L, true)), level: 2 });

  add({
    name: 'ctx_get',
    level: 2,
    raw: (L, _n, { kong }) => {
      const key = readString(L, 2);
      pushCtxValue(L, ctxTarget(kong, readNumber(L, 1))[String(key)]);
      return 1;
    },
  });
  add({
    name: 'ctx_set',
    level: 2,
    raw: (L, _n, call) => {
      const target = ctxTarget(call.kong, readNumber(L, 1));
      const key = String(readString(L, 2));
      const old = target[key];
      const t = wasm._lua_type(L, 3);
      // Tables and functions stay Lua values (their identity matters to the next function that reads them).
      const value = t === T_TABLE || t === T_FUNCTION || t > T_FUNCTION ? call.engine.refFor(L, 3, call.scope) : call.engine.read(L, 3);
      if (old instanceof LuaRef) call.engine.release(old, call.scope);
      if (value === undefined) delete target[key];
      else target[key] = value;
      return 0;
    },
  });
  add({
    name: 'ctx_pairs',
    level: 2,
    raw: (L, _n, { kong }) => {
      const target = ctxTarget(kong, readNumber(L, 1));
      wasm._lua_createtable(L, 0, 4);
      for (const k of Object.keys(target)) {
        pushString(L, k);
        pushCtxValue(L, target[k]);
        wasm._lua_rawset(L, -3);
      }
      return 1;
    },
  });

  add({
    name: 'ngx.ctx',
    level: 2,
    raw: (L, _n, call) => {
      if (call.scope.ngxCtx === null) {
        wasm._lua_createtable(L, 0, 4);
        call.scope.ngxCtx = call.engine.refFor(L, -1, call.scope);
        return 1;
      }
      pushValue(L, call.scope.ngxCtx);
      return 1;
    },
  });
  add({
    name: 'ngx.status.get',
    level: 2,
    fn: (_a, { kong, scope }) => (RESPONSE_PHASES.has(kong.phase) ? kong.response.get_status() : scope.status),
  });
  add({
    name: 'ngx.status.set',
    level: 2,
    fn: ([v], { kong, scope }) => {
      if (typeof v !== 'number') throw new Error('attempt to set ngx.status to a non-number');
      if (kong.phase === 'header_filter') kong.response.set_status(v);
      else if (CONTENT_PHASES.has(kong.phase)) scope.status = v;
      else throw new Error('attempt to set ngx.status after sending out response headers');
    },
  });
  add({ name: 'ngx.headers_sent', level: 2, fn: (_a, { kong }) => kong.phase === 'body_filter' || kong.phase === 'log' });
  add({
    name: 'ngx.output',
    level: 2,
    fn: ([s], { kong, scope }) => {
      if (!CONTENT_PHASES.has(kong.phase)) throw new Error(`API disabled in the context of ${kong.phase}_by_lua*`);
      (scope.output ??= []).push(Buffer.isBuffer(s) ? s.toString('latin1') : String(s));
    },
  });
  add({
    name: 'ngx.exit',
    level: 2,
    fn: ([status], { kong, scope }) => {
      if (typeof status !== 'number') throw new Error("bad argument #1 to 'exit' (number expected)");
      if (CONTENT_PHASES.has(kong.phase)) finishOutput(kong, scope, status);
    },
  });
  add({ name: 'ngx.log', level: 2, fn: ([level, msg], { kong }) => kong.log[LOG_LEVELS[Number(level)] ?? 'err'](msg) });
  add({ name: 'ngx.get_phase', fn: (_a, { kong }) => NGX_PHASES[kong.phase] ?? kong.phase });

  add({ name: 'ngx.var.get', level: 2, fn: ([name], { kong }) => getVar(kong, String(name)) });
  add({ name: 'ngx.var.set', level: 2, fn: ([name, value], { kong }) => setVar(kong, String(name), value) });
  add({
    name: 'ngx.header.get',
    level: 2,
    fn: ([name], { kong, scope }) => {
      const n = String(name).replaceAll('_', '-').toLowerCase();
      return RESPONSE_PHASES.has(kong.phase) ? kong.response.get_header(n) : (scope.headers?.get(n) ?? null);
    },
  });
  add({
    name: 'ngx.header.set',
    level: 2,
    fn: ([name, value], { kong, scope }) => {
      const n = String(name).replaceAll('_', '-').toLowerCase();
      if (n === 'content-type') scope.contentType = value !== undefined;
      if (value === undefined) kong.response.clear_header(n);
      else kong.response.set_header(n, value);
      if (!RESPONSE_PHASES.has(kong.phase)) (scope.headers ??= new Map()).set(n, value === undefined ? null : value);
    },
  });
  add({
    name: 'ngx.arg.get',
    level: 2,
    fn: ([i], { kong }) => (kong.phase !== 'body_filter' ? undefined : i === 1 ? kong.response.get_raw_body() : i === 2 ? true : undefined),
  });
  add({
    name: 'ngx.arg.set',
    level: 2,
    fn: ([i, v], { kong }) => {
      if (i === 1) kong.response.set_raw_body(Buffer.isBuffer(v) ? v : String(v ?? ''));
    },
  });

  add({ name: 'ngx.req.read_body', level: 2, fn: (_a, { kong, scope }) => readBody(kong, scope) });
  add({
    name: 'ngx.req.get_body_data',
    fn: (_a, { scope }) => (scope.bodyRead && scope.body !== null && scope.body.length > 0 ? scope.body : undefined),
  });
  add({
    name: 'ngx.req.get_post_args',
    fn: ([max], { scope }) => {
      if (!scope.bodyRead) return new Multi([null, 'request body not read']);
      return ngxCodec.decode_args((scope.body ?? Buffer.alloc(0)).toString(), max);
    },
  });
  add({
    name: 'ngx.req.set_header',
    fn: ([name, value], { kong }) => {
      if (value === undefined) kong.service.request.clear_header(String(name));
      else kong.service.request.set_header(String(name), value);
    },
  });
  add({
    name: 'ngx.req.set_uri_args',
    fn: ([args], { kong }) => {
      if (typeof args === 'string') kong.service.request.set_raw_query(args);
      else kong.service.request.set_raw_query(ngxCodec.encode_args(args));
    },
  });
  add({
    name: 'ngx.req.set_method',
    fn: ([m], { kong }) => {
      const name = METHODS[Number(m)];
      if (name === undefined) throw new Error(`unsupported HTTP method: ${String(m)}`);
      kong.service.request.set_method(name);
    },
  });

  for (const [name, f] of Object.entries(ngxTime)) pure(`ngx.${name}`, f as (...a: unknown[]) => unknown);
  for (const [name, f] of Object.entries(ngxCodec)) pure(`ngx.${name}`, f as (...a: unknown[]) => unknown);

  add({
    name: 'ngx.re.exec',
    level: 2,
    raw: (L, _n) => {
      const subject = readString(L, 1);
      const text = Buffer.isBuffer(subject) ? subject.toString('latin1') : subject;
      const rx = regexes.get(String(readString(L, 2)), wasm._lua_type(L, 3) === T_STRING ? String(readString(L, 3)) : '');
      const init = wasm._lua_type(L, 4) === T_NUMBER ? readNumber(L, 4) : 1;
      wasm._lua_settop(L, 0);
      if (typeof rx === 'string') {
        wasm._lua_pushnil(L);
        pushString(L, rx);
        return 2;
      }
      const m = execAt(rx, text, init);
      if (m === null) return 0;
      pushValue(L, m.from);
      pushValue(L, m.to);
      wasm._lua_createtable(L, m.captures.size, 0);
      for (const [k, v] of m.captures) {
        pushValue(L, k);
        pushValue(L, v);
        wasm._lua_rawset(L, -3);
      }
      return 3;
    },
  });

  add({
    name: 'cjson.encode',
    level: 2,
    fn: ([value, safe]) => {
      try {
        return encodeJson(value);
      } catch (err) {
        if (safe === true) return new Multi([null, (err as Error).message]);
        throw err;
      }
    },
  });
  add({
    name: 'cjson.decode',
    level: 2,
    raw: (L, _n) => {
      const text = readString(L, 1);
      const safe = wasm._lua_toboolean(L, 2) !== 0;
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.isBuffer(text) ? text.toString() : text);
      } catch (err) {
        const message = `Expected value but found invalid token: ${(err as Error).message}`;
        if (!safe) throw new Error(message, { cause: err });
        wasm._lua_settop(L, 0);
        wasm._lua_pushnil(L);
        pushString(L, message);
        return 2;
      }
      wasm._lua_settop(L, 0);
      // A top-level null is cjson.null too.
      pushValue(L, parsed, parsed === null ? 1 : 0);
      return 1;
    },
  });
  return ops;
}

function pushAll(L: LuaState, v: unknown): number {
  if (v instanceof Multi) {
    for (const x of v.values) pushValue(L, x);
    return v.values.length;
  }
  if (v === undefined) return 0;
  pushValue(L, v);
  return 1;
}

/** lua-cjson's output: `/` escaped, no NaN or infinity. */
export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value === undefined ? null : value, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('Cannot serialise number: must not be NaN or Infinity');
    if (Buffer.isBuffer(v)) return v.toString('latin1');
    if (v !== null && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return Buffer.from((v as { data: number[] }).data).toString('latin1');
    }
    return v;
  });
  return text.replaceAll('/', '\\/');
}

export type { HostCall, LuaEngine };
