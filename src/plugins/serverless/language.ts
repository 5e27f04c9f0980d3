/**
 * Whether a pre-/post-function source is Lua (Kong's language) or JavaScript (sluice's), decided at load by
 * the two languages' own parsers:
 *
 * 1. A source that starts with a Lua comment (`--`) is Lua: the explicit marker.
 * 2. A source valid in only one of the languages is in that one. `local x`, `if … then … end`, `~=`, `..`,
 *    `{ message = "x" }`, `return function() … end` are Lua; `(kong) => …`, `function (kong) { … }`, `async`,
 *    `const`, `{ message: 'x' }`, `!x`, `&&`, `===`, `//` comments are JavaScript.
 * 3. A source valid in both is only calls and assignments (`kong.response.set_header('X', 'y')`), which do the
 *    same through the same PDK in either language. It is JavaScript (the cheaper call, and what sluice ran
 *    before Lua), unless it names something only Kong's Lua sandbox has (`ngx`, `nil`, `not`, `tostring`,
 *    `string`, …): then it is Lua.
 *
 * A source valid in neither is a syntax error, reported in the language whose parser read further, Lua when
 * both stop on the same line (the other one's error is quoted too).
 */
import { jsSyntaxError, ServerlessSyntaxError } from './compile.js';
import { luaSyntaxError } from './lua/runtime.js';

export type Language = 'lua' | 'js';

// Kong's sandbox globals (kong/tools/sandbox/environment/lua.lua, plus ngx and require) other than `kong`, and
// the Lua keywords that can stand where JavaScript reads a name.
const LUA_ONLY = new Set(
  (
    '_VERSION _G assert error ipairs next pairs pcall print select tonumber tostring type unpack xpcall ' +
    'bit coroutine io jit math os string table ngx require nil not and or'
  ).split(' '),
);

/** The source's language, or the syntax error it has in both. */
export function detectLanguage(source: string, label: string): Language | ServerlessSyntaxError {
  const lua = luaSyntaxError(source, label);
  if (/^\s*--/.test(source)) return lua ?? 'lua';
  const js = jsSyntaxError(source, label);
  if (lua === null && js === null) return namesLuaOnly(source) ? 'lua' : 'js';
  if (lua === null) return 'lua';
  if (js === null) return 'js';
  const luaFurther = (lua.line ?? 0) >= (js.line ?? 0);
  const [chosen, other, otherName] = luaFurther ? [lua, js, 'JavaScript'] : [js, lua, 'Lua'];
  const where = other.line === null ? '' : `line ${other.line}: `;
  return new ServerlessSyntaxError(`${chosen.message} (not valid ${otherName} either: ${where}${other.message})`, chosen.line, chosen.column);
}

/** Whether a (valid) Lua source reads a name only Lua has: a name not after `.` or `:`, outside strings and comments. */
export function namesLuaOnly(src: string): boolean {
  let afterDot = false;
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    if (c === '-' && src[i + 1] === '-') {
      const long = /^--\[(=*)\[/.exec(src.slice(i, i + 64));
      if (long) {
        const end = src.indexOf(`]${long[1]}]`, i);
        i = end < 0 ? src.length : end + long[1]!.length + 2;
      } else {
        const nl = src.indexOf('\n', i);
        i = nl < 0 ? src.length : nl + 1;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < src.length && src[i] !== c) i += src[i] === '\\' ? 2 : 1;
      i++;
      afterDot = false;
      continue;
    }
    if (c === '[') {
      const long = /^\[(=*)\[/.exec(src.slice(i, i + 64));
      if (long) {
        const end = src.indexOf(`]${long[1]}]`, i);
        i = end < 0 ? src.length : end + long[1]!.length + 2;
        afterDot = false;
        continue;
      }
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(src.slice(i, i + 256))!;
      if (!afterDot && LUA_ONLY.has(m[0])) return true;
      i += m[0].length;
      afterDot = false;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9][\w.]*/.exec(src.slice(i, i + 256))!;
      i += m[0].length;
      afterDot = false;
      continue;
    }
    if (!/\s/.test(c)) afterDot = (c === '.' && src[i + 1] !== '.') || c === ':';
    i++;
  }
  return false;
}
