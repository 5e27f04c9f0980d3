/**
 * The Lua side of the bridge, run once when the engine starts. It builds the sandbox environment Kong gives
 * pre-/post-function code (kong/tools/sandbox/environment/lua.lua plus `kong`, `ngx` and `require`), every
 * `kong.*` function bound by name to sluice's PDK, the `ngx.*` subset, cjson, and `compile`, which loads a
 * source into a fresh environment and wraps it in Kong's first-run logic (kong/plugins/pre-function/_handler.lua):
 * the chunk runs on the first call; if it returns a function, that function is called now and on every later
 * call (its upvalues live as long as the plugin's configuration); otherwise the chunk itself runs each time;
 * and `compile_value`, a chunk whose return value is wanted (custom_fields_by_lua).
 *
 * Arguments: bind(op) → a C function for a host operation, OP (name → number), NULL, EMPTY_ARRAY, the Kong
 * version and its number. Library tables are read-only proxies (Kong: "Cannot modify x.y. Protected by the
 * sandbox.") because one VM serves every function.
 */
export const PRELUDE = String.raw`
local bind, OP, NULL, EMPTY_ARRAY, KONG_VERSION, KONG_VERSION_NUM, PID = ...
local type, select, tostring, tonumber, pairs, ipairs, next, error, rawget, rawset, setmetatable, load, pcall =
      type, select, tostring, tonumber, pairs, ipairs, next, error, rawget, rawset, setmetatable, load, pcall
local concat, unpack = table.concat, table.unpack
local yield = coroutine.yield
local PENDING, EXIT = setmetatable({}, { __name = "pending" }), setmetatable({}, { __name = "exit" })
local array_mt = { __name = "array" }

local function op(name)
  local n = OP[name]
  if n == nil then error("no host operation " .. name) end
  return bind(n)
end

local take = op("take")
local function settle(first, ...)
  if first == PENDING then yield(PENDING); return take() end
  return first, ...
end

local function deny(name)
  return function(_, k)
    error(("Cannot modify %s.%s. Protected by the sandbox."):format(name, tostring(k)), 2)
  end
end

-- A read-only view of t (nested plain tables too); meta adds metamethods such as __call.
local function protect(name, t, meta)
  for k, v in pairs(t) do
    if type(v) == "table" and getmetatable(v) == nil then t[k] = protect(name .. "." .. k, v) end
  end
  local mt = { __index = t, __newindex = deny(name), __pairs = function() return next, t, nil end,
               __len = function() return #t end, __metatable = false }
  for k, v in pairs(meta or {}) do mt[k] = v end
  return setmetatable({}, mt)
end

-- Header tables read case-insensitively with _ for - (Kong's and ngx's get_headers).
local headers_mt = { __index = function(t, k)
  if type(k) ~= "string" then return nil end
  local n = k:lower():gsub("_", "-")
  if n ~= k then return rawget(t, n) end
end }
local function headers(t) if type(t) == "table" then return setmetatable(t, headers_mt) end return t end

local function tostr(v) if v == NULL then return "null" end return tostring(v) end
local function joined(...)
  local n = select("#", ...)
  if n == 1 then return tostr((...)) end
  local out = {}
  for i = 1, n do out[i] = tostr((select(i, ...))) end
  return concat(out)
end

---------------------------------------------------------------- kong
local kong = {}
for name, n in pairs(OP) do
  if name:sub(1, 5) == "kong." then
    local t, parts = kong, {}
    for p in name:gmatch("[^.]+") do parts[#parts + 1] = p end
    for j = 2, #parts - 1 do
      local k = parts[j]
      t[k] = t[k] or {}
      t = t[k]
    end
    t[parts[#parts]] = bind(n)
  end
end

-- Kong concatenates log arguments as ngx.log does.
local log_levels = { "debug", "info", "notice", "warn", "err", "crit", "alert", "emerg" }
for _, level in ipairs(log_levels) do
  local raw = kong.log[level]
  kong.log[level] = function(...) return raw(joined(...)) end
end

-- kong.response.exit stops the function (Kong yields out of the plugin, or ngx.exit in rewrite).
local raw_exit, raw_error = kong.response.exit, kong.response.error
kong.response.exit = function(...) raw_exit(...); return yield(EXIT) end
kong.response.error = function(...) raw_error(...); return yield(EXIT) end

local raw_get_raw_body, raw_get_body = kong.request.get_raw_body, kong.request.get_body
kong.request.get_raw_body = function(...) return settle(raw_get_raw_body(...)) end
kong.request.get_body = function(...) return settle(raw_get_body(...)) end
for _, t in ipairs({ kong.request, kong.response, kong.service.response }) do
  local raw = t.get_headers
  t.get_headers = function(...) return headers(raw(...)) end
end

local ctx_get, ctx_set, ctx_pairs = op("ctx_get"), op("ctx_set"), op("ctx_pairs")
local function ctx_table(which)
  return setmetatable({}, {
    __index = function(_, k) return ctx_get(which, k) end,
    __newindex = function(_, k, v) ctx_set(which, k, v) end,
    __pairs = function() return next, ctx_pairs(which), nil end,
    __metatable = false,
  })
end
kong.ctx = { shared = ctx_table(0), plugin = ctx_table(1) }
kong.version = KONG_VERSION
kong.version_num = KONG_VERSION_NUM
kong.table = {
  new = function() return {} end,
  clear = function(t) for k in pairs(t) do t[k] = nil end end,
  merge = function(a, b)
    local out = {}
    for k, v in pairs(a or {}) do out[k] = v end
    for k, v in pairs(b or {}) do out[k] = v end
    return out
  end,
}
-- kong.tracing's spans: handles { __sluice_span = id } over the request's JS spans (span-ops.ts), with Kong's
-- methods taking the span as self (span:finish(), span:set_attribute(k, v)) and its fields read through.
local span_call, span_get = op("span.call"), op("span.get")
local span_methods = {}
for _, m in ipairs({ "finish", "set_attribute", "add_event", "record_error", "set_status" }) do
  span_methods[m] = function(self, ...)
    local id = type(self) == "table" and rawget(self, "__sluice_span")
    if not id then
      error(("bad argument #1 to '%s' (span expected, got %s): call it as span:%s(...)"):format(m, type(self), m), 2)
    end
    return span_call(id, m, ...)
  end
end
local wrapped_spans = setmetatable({}, { __mode = "v" })
local span_mt = { __name = "span", __metatable = false }
local function wrap_span(v)
  if type(v) ~= "table" then return v end
  local id = rawget(v, "__sluice_span")
  if id == nil then return v end
  local s = wrapped_spans[id]
  if s == nil then
    s = setmetatable(v, span_mt)
    wrapped_spans[id] = s
  end
  return s
end
span_mt.__index = function(t, k)
  local m = span_methods[k]
  if m ~= nil then return m end
  return wrap_span(span_get(rawget(t, "__sluice_span"), k))
end
span_mt.__newindex = function(_, k)
  error(("cannot set span.%s: use span:set_attribute()"):format(tostring(k)), 2)
end
for _, name in ipairs({ "start_span", "create_span", "link_span", "active_span" }) do
  local raw = kong.tracing[name]
  kong.tracing[name] = function(...) return wrap_span(raw(...)) end
end
local raw_process_span = kong.tracing.process_span
kong.tracing.process_span = function(processor)
  if type(processor) ~= "function" then error("processor must be a function", 2) end
  local list = raw_process_span()
  for i = 1, #list do processor(wrap_span(list[i])) end
end

-- kong.log is callable: kong.log("x") logs at notice.
local kong_log = kong.log
kong.log = protect("kong.log", kong_log, { __call = function(_, ...) return kong_log.notice(...) end })

---------------------------------------------------------------- ngx
local ngx = {
  OK = 0, ERROR = -1, AGAIN = -2, DONE = -4, DECLINED = -5,
  STDERR = 0, EMERG = 1, ALERT = 2, CRIT = 3, ERR = 4, WARN = 5, NOTICE = 6, INFO = 7, DEBUG = 8,
  HTTP_GET = 2, HTTP_HEAD = 4, HTTP_POST = 8, HTTP_PUT = 16, HTTP_DELETE = 32, HTTP_MKCOL = 64,
  HTTP_COPY = 128, HTTP_MOVE = 256, HTTP_OPTIONS = 512, HTTP_PROPFIND = 1024, HTTP_PROPPATCH = 2048,
  HTTP_LOCK = 4096, HTTP_UNLOCK = 8192, HTTP_PATCH = 16384, HTTP_TRACE = 32768,
  HTTP_CONTINUE = 100, HTTP_SWITCHING_PROTOCOLS = 101, HTTP_OK = 200, HTTP_CREATED = 201,
  HTTP_ACCEPTED = 202, HTTP_NO_CONTENT = 204, HTTP_PARTIAL_CONTENT = 206, HTTP_SPECIAL_RESPONSE = 300,
  HTTP_MOVED_PERMANENTLY = 301, HTTP_MOVED_TEMPORARILY = 302, HTTP_SEE_OTHER = 303, HTTP_NOT_MODIFIED = 304,
  HTTP_TEMPORARY_REDIRECT = 307, HTTP_PERMANENT_REDIRECT = 308, HTTP_BAD_REQUEST = 400,
  HTTP_UNAUTHORIZED = 401, HTTP_PAYMENT_REQUIRED = 402, HTTP_FORBIDDEN = 403, HTTP_NOT_FOUND = 404,
  HTTP_NOT_ALLOWED = 405, HTTP_NOT_ACCEPTABLE = 406, HTTP_REQUEST_TIMEOUT = 408, HTTP_CONFLICT = 409,
  HTTP_GONE = 410, HTTP_UPGRADE_REQUIRED = 426, HTTP_TOO_MANY_REQUESTS = 429, HTTP_CLOSE = 444,
  HTTP_ILLEGAL = 451, HTTP_INTERNAL_SERVER_ERROR = 500, HTTP_METHOD_NOT_IMPLEMENTED = 501,
  HTTP_NOT_IMPLEMENTED = 501, HTTP_BAD_GATEWAY = 502, HTTP_SERVICE_UNAVAILABLE = 503,
  HTTP_GATEWAY_TIMEOUT = 504, HTTP_VERSION_NOT_SUPPORTED = 505, HTTP_INSUFFICIENT_STORAGE = 507,
  null = NULL,
}
for _, name in ipairs({ "time", "now", "today", "localtime", "utctime", "http_time", "cookie_time",
    "parse_http_time", "encode_base64", "decode_base64", "encode_args", "decode_args", "md5", "md5_bin",
    "sha1_bin", "hmac_sha1", "crc32_short", "crc32_long", "escape_uri", "unescape_uri", "quote_sql_str",
    "get_phase" }) do
  ngx[name] = op("ngx." .. name)
end
ngx.update_time = function() end
ngx.get_raw_phase = ngx.get_phase

local raw_log = op("ngx.log")
ngx.log = function(level, ...) return raw_log(level, joined(...)) end

local function flatten(out, v)
  local tv = type(v)
  if tv == "table" then for i = 1, #v do flatten(out, v[i]) end
  elseif v == NULL then out[#out + 1] = "null"
  else out[#out + 1] = tostring(v) end
end
local output, raw_ngx_exit = op("ngx.output"), op("ngx.exit")
local function printer(newline)
  return function(...)
    local out = {}
    for i = 1, select("#", ...) do flatten(out, (select(i, ...))) end
    if newline then out[#out + 1] = "\n" end
    output(concat(out))
    return 1
  end
end
ngx.say, ngx.print = printer(true), printer(false)
ngx.flush = function() return 1 end
ngx.eof = function() return 1 end
ngx.exit = function(status) raw_ngx_exit(status); return yield(EXIT) end
ngx.redirect = function(uri, status)
  kong.response.exit(status or 302, nil, { Location = uri })
end

local function dynamic_table(get, set)
  return setmetatable({}, { __index = function(_, k) return get(k) end,
                            __newindex = function(_, k, v) set(k, v) end, __metatable = false })
end
ngx.var = dynamic_table(op("ngx.var.get"), op("ngx.var.set"))
ngx.header = dynamic_table(op("ngx.header.get"), op("ngx.header.set"))
ngx.arg = dynamic_table(op("ngx.arg.get"), op("ngx.arg.set"))

local raw_read_body = op("ngx.req.read_body")
ngx.req = {
  get_headers = function(...) return headers(kong.request.get_headers(...)) end,
  set_header = op("ngx.req.set_header"),
  clear_header = function(name) return kong.service.request.clear_header(name) end,
  get_uri_args = function(max) return kong.request.get_query(max) end,
  get_method = function() return kong.request.get_method() end,
  http_version = function() return kong.request.get_http_version() end,
  start_time = function() return kong.request.get_start_time() / 1000 end,
  is_internal = function() return false end,
  read_body = function() settle(raw_read_body()) end,
  discard_body = function() end,
  get_body_data = op("ngx.req.get_body_data"),
  get_post_args = op("ngx.req.get_post_args"),
  set_body_data = function(data) return kong.service.request.set_raw_body(data) end,
  set_uri = function(uri) return kong.service.request.set_path(uri) end,
  set_uri_args = op("ngx.req.set_uri_args"),
  set_method = op("ngx.req.set_method"),
}
ngx.resp = { get_headers = function(...) return headers(kong.response.get_headers(...)) end }
ngx.config = { subsystem = "http", debug = false, nginx_version = 1025003, ngx_lua_version = 10026,
               prefix = function() return "" end }
ngx.worker = { id = function() return 0 end, count = function() return 1 end, pid = function() return PID end,
               exiting = function() return false end }

-- ngx.re over one host operation: exec(subject, regex, options, init) → from, to, captures (or nil, err).
local re_exec = op("ngx.re.exec")
local re = {}
function re.match(subject, regex, options, ctx, res)
  local from, to, m = re_exec(subject, regex, options, ctx and ctx.pos or 1)
  if not from then return nil, to end
  if ctx then ctx.pos = to + 1 end
  return m
end
function re.find(subject, regex, options, ctx, nth)
  local from, to, m = re_exec(subject, regex, options, ctx and ctx.pos or 1)
  if not from then return nil, nil, to end
  if ctx then ctx.pos = to + 1 end
  if nth and nth > 0 then
    local c = m[nth]
    if c == nil or c == false then return nil, nil end
    local s = subject:find(c, from, true)
    return s, s and s + #c - 1
  end
  return from, to
end
function re.gmatch(subject, regex, options)
  local pos, done = 1, false
  return function()
    if done then return nil end
    local from, to, m = re_exec(subject, regex, options, pos)
    if not from then done = true; if to then error(to, 2) end return nil end
    pos = (to >= from) and to + 1 or to + 2
    if pos > #subject + 1 then done = true end
    return m
  end
end
local function expand(template, m)
  return (template:gsub("%$(%b{})", function(name) return tostring(m[tonumber(name:sub(2, -2)) or name:sub(2, -2)] or "") end)
                  :gsub("%$(%d)", function(d) return tostring(m[tonumber(d)] or "") end)
                  :gsub("%$%$", "$"))
end
local function substitute(subject, regex, replace, options, limit)
  local out, pos, count = {}, 1, 0
  while limit == nil or count < limit do
    local from, to, m = re_exec(subject, regex, options, pos)
    if not from then
      if to then return nil, nil, to end
      break
    end
    out[#out + 1] = subject:sub(pos, from - 1)
    if type(replace) == "function" then out[#out + 1] = tostring(replace(m))
    else out[#out + 1] = expand(tostring(replace), m) end
    count = count + 1
    if to >= from then pos = to + 1
    else
      out[#out + 1] = subject:sub(from, from)
      pos = from + 1
    end
    if pos > #subject + 1 then break end
  end
  out[#out + 1] = subject:sub(pos)
  return concat(out), count
end
function re.sub(subject, regex, replace, options) return substitute(subject, regex, replace, options, 1) end
function re.gsub(subject, regex, replace, options) return substitute(subject, regex, replace, options, nil) end
ngx.re = re

local ngx_static = ngx
local ngx_ctx, status_get, status_set = op("ngx.ctx"), op("ngx.status.get"), op("ngx.status.set")
local headers_sent = op("ngx.headers_sent")
local ngx_view = protect("ngx", ngx_static, {
  __index = function(_, k)
    if k == "ctx" then return ngx_ctx()
    elseif k == "status" then return status_get()
    elseif k == "headers_sent" then return headers_sent()
    elseif k == "is_subrequest" then return false end
    return ngx_static[k]
  end,
  __newindex = function(_, k, v)
    if k == "status" then return status_set(v) end
    error(("Cannot modify ngx.%s. Protected by the sandbox."):format(tostring(k)), 2)
  end,
})

---------------------------------------------------------------- cjson
local json_encode, json_decode = op("cjson.encode"), op("cjson.decode")
local function setting(default) return function() return default end end
local cjson = {
  encode = function(v) return json_encode(v, false) end,
  decode = function(s) return json_decode(s, false) end,
  null = NULL, empty_array = EMPTY_ARRAY, array_mt = array_mt, empty_array_mt = array_mt,
  encode_empty_table_as_object = setting(true), decode_array_with_array_mt = setting(false),
  encode_escape_forward_slash = setting(true), encode_sparse_array = setting(false),
  encode_max_depth = setting(1000), decode_max_depth = setting(1000), encode_number_precision = setting(14),
  encode_keep_buffer = setting(true), encode_invalid_numbers = setting(false), decode_invalid_numbers = setting(true),
  _NAME = "cjson", _VERSION = "2.1.0.14",
}
cjson.new = function() return cjson end
local cjson_safe = setmetatable({
  encode = function(v) return json_encode(v, true) end,
  decode = function(s) return json_decode(s, true) end,
}, { __index = cjson })
cjson_safe.new = function() return cjson_safe end

---------------------------------------------------------------- Lua libraries (LuaJIT's names on Lua 5.4)
local function pick(lib, names)
  local out = {}
  for name in names:gmatch("%S+") do out[name] = lib[name] end
  return out
end
local string_lib = pick(string, "byte char find format gmatch gsub len lower match rep reverse sub upper")
local math_lib = pick(math, "abs acos asin atan ceil cos deg exp floor fmod huge log max min modf pi rad random sin sqrt tan")
math_lib.atan2 = math.atan
math_lib.pow = function(x, y) return x ^ y end
math_lib.log10 = function(x) return math.log(x, 10) end
math_lib.ldexp = function(m, e) return m * 2.0 ^ e end
math_lib.frexp = function(x)
  if x == 0 then return 0.0, 0 end
  local e = math.floor(math.log(math.abs(x), 2)) + 1
  return x / 2.0 ^ e, e
end
math_lib.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math_lib.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math_lib.tanh = function(x) local a, b = math.exp(x), math.exp(-x); return (a - b) / (a + b) end

local function nkeys(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local function isarray(t)
  local n = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then return false end
    n = n + 1
  end
  for i = 1, n do if t[i] == nil then return false end end
  return true
end
local table_lib = pick(table, "concat insert move pack remove sort unpack")
table_lib.clear = function(t) for k in pairs(t) do t[k] = nil end end
table_lib.clone = function(t) local out = {} for k, v in pairs(t) do out[k] = v end return out end
table_lib.new = function() return {} end
table_lib.nkeys = nkeys
table_lib.isempty = function(t) return next(t) == nil end
table_lib.isarray = isarray
table_lib.getn = function(t) return #t end
table_lib.maxn = function(t)
  local m = 0
  for k in pairs(t) do if type(k) == "number" and k > m then m = k end end
  return m
end
table_lib.foreach = function(t, f) for k, v in pairs(t) do local r = f(k, v) if r ~= nil then return r end end end
table_lib.foreachi = function(t, f) for i = 1, #t do local r = f(i, t[i]) if r ~= nil then return r end end end

-- LuaJIT's bit library: 32-bit operations on signed results.
local function tobit(x) x = math.tointeger(x) or math.floor(x) x = x & 0xffffffff if x >= 0x80000000 then x = x - 0x100000000 end return x end
local function u32(x) return tobit(x) & 0xffffffff end
local bit = {
  tobit = tobit,
  band = function(a, ...) local r = u32(a) for i = 1, select("#", ...) do r = r & u32((select(i, ...))) end return tobit(r) end,
  bor = function(a, ...) local r = u32(a) for i = 1, select("#", ...) do r = r | u32((select(i, ...))) end return tobit(r) end,
  bxor = function(a, ...) local r = u32(a) for i = 1, select("#", ...) do r = r ~ u32((select(i, ...))) end return tobit(r) end,
  bnot = function(a) return tobit(~u32(a)) end,
  lshift = function(a, n) return tobit(u32(a) << (n & 31)) end,
  rshift = function(a, n) return tobit(u32(a) >> (n & 31)) end,
  arshift = function(a, n) return tobit(tobit(a) >> (n & 31) | ((tobit(a) < 0 and (n & 31) > 0) and ~(0xffffffff >> (n & 31)) or 0)) end,
  rol = function(a, n) n = n & 31 return tobit((u32(a) << n) | (u32(a) >> (32 - n))) end,
  ror = function(a, n) n = n & 31 return tobit((u32(a) >> n) | (u32(a) << (32 - n))) end,
  bswap = function(a) a = u32(a) return tobit(((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >> 8) & 0xff00) | (a >> 24)) end,
  tohex = function(a, n) n = n or 8 local up = n < 0 if up then n = -n end
    local s = ("%08x"):format(u32(a)):sub(-n) return up and s:upper() or s end,
}

-- Kong's sandbox lets pre-/post-function code require nothing unless untrusted_lua_sandbox_requires lists it;
-- sluice has no kong.conf and behaves as if it listed the modules it implements.
local modules = {
  cjson = cjson, ["cjson.safe"] = cjson_safe, bit = bit, ["ngx.re"] = re,
  ["table.new"] = table_lib.new, ["table.clear"] = table_lib.clear, ["table.clone"] = table_lib.clone,
  ["table.isarray"] = isarray, ["table.isempty"] = table_lib.isempty, ["table.nkeys"] = nkeys,
}
local function sandbox_require(name)
  local m = modules[name]
  if m == nil then error(("require '%s' not allowed within sandbox"):format(tostring(name)), 0) end
  return m
end

local print_log = op("ngx.log")
local base = {
  _VERSION = _VERSION, assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs,
  pcall = pcall, select = select, tonumber = tonumber, tostring = tostring, type = type, unpack = unpack,
  xpcall = xpcall, require = sandbox_require,
  print = function(...) return print_log(6, joined(...)) end,
  bit = protect("bit", bit),
  coroutine = protect("coroutine", pick(coroutine, "create resume running status wrap yield isyieldable")),
  io = protect("io", { type = function() return nil end }),
  jit = protect("jit", { os = "Linux", arch = "x64", version = "LuaJIT 2.1.0-beta3", version_num = 20100 }),
  math = protect("math", math_lib),
  os = protect("os", pick(os, "clock date difftime time")),
  string = protect("string", string_lib),
  table = protect("table", table_lib),
  kong = protect("kong", kong),
  ngx = ngx_view,
}
local env_mt = { __index = base }

local function compile(source, chunkname)
  local env = setmetatable({}, env_mt)
  env._G = env
  local chunk, err = load(source, chunkname, "t", env)
  if not chunk then return nil, err end
  local f, fresh = chunk, true
  return function()
    if fresh then
      fresh = false
      local r = f()
      if type(r) == "function" then
        f = r
        return f()
      end
      return
    end
    return f()
  end
end

-- custom_fields_by_lua: Kong runs sandbox(expression)() for every entry, each time in a fresh environment, and
-- uses the chunk's first return value. Loaded once here; the environment is emptied before each run instead.
local function compile_value(source, chunkname)
  local env = setmetatable({}, env_mt)
  local chunk, err = load(source, chunkname, "t", env)
  if not chunk then return nil, err end
  return function()
    for k in next, env do env[k] = nil end
    env._G = env
    return (chunk())
  end
end

return { compile = compile, compile_value = compile_value, PENDING = PENDING, EXIT = EXIT, array_mt = array_mt }
`;
