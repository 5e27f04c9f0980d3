/**
 * Which language a serverless source is (src/plugins/serverless/language.ts), and what loading says about a
 * source that is valid in neither. Kong parses each source at validation and never runs it there
 * (spec/03-plugins/33-serverless-functions/01-schema_spec.lua); sluice does the same for both languages.
 */
import t from 'tap';
import { loadConfigText } from '../../src/config/load.js';
import { ServerlessSyntaxError } from '../../src/plugins/serverless/compile.js';
import { detectLanguage } from '../../src/plugins/serverless/language.js';
import { checkServerless, serverlessSourceErrors } from '../../src/plugins/serverless/schema.js';

const LANGUAGE: readonly [string, 'lua' | 'js', string][] = [
  // Kong's own examples: spec 01-schema_spec mock_fn_one/two/three and its runtime-error function.
  ['("hello world!"):find("world")', 'lua', '01-schema_spec mock_fn_one'],
  ['local x = 1', 'lua', '01-schema_spec mock_fn_two'],
  ['local x = 1 return function() x = x + 1 end', 'lua', '01-schema_spec mock_fn_three'],
  ['error("should never happen")', 'lua', '01-schema_spec: error() names a Lua-only function'],
  ['return kong.response.exit(406, { message = "Invalid" })', 'lua', '02-access_spec mock_fn_three: a Lua table'],
  ['ngx.status = 503\nngx.exit(ngx.status)', 'lua', '02-access_spec mock_fn_one: valid JS too, but names ngx'],
  ['kong.service.request.set_header("X-Ip", ngx.var.remote_addr)', 'lua', 'valid in both, names ngx'],
  ['kong.log.err("missing: " .. tostring(nil))', 'lua', 'the concatenation operator'],
  ['-- lua\nkong.response.set_header("X", "y")', 'lua', 'the explicit marker: a leading Lua comment'],
  ['if kong.request.get_header("x") ~= nil then kong.response.exit(400) end', 'lua', 'then/end, ~='],
  // Every JavaScript form sluice accepted before Lua (test/ and examples/ use each).
  ['(kong) => { kong.ctx.shared.order.push("post:access") }', 'js', 'arrow function'],
  ['kong => kong.response.exit(204)', 'js', 'arrow function without parentheses'],
  ['function (kong) {\n  kong.response.set_header("X-Order", "1");\n}', 'js', 'function expression'],
  ['async (kong) => { await kong.request.get_body() }', 'js', 'async arrow'],
  ['const [body, err] = await kong.request.get_body();\nif (err) return kong.response.exit(400, { message: err });', 'js', 'a body with await'],
  ["if (!kong.request.get_header('x-tenant')) {\n  kong.response.exit(400, { message: 'x-tenant header is required' });\n}", 'js', 'examples/07'],
  ["kong.response.exit(403, { message: 'not you' })", 'js', 'an object literal'],
  ["kong.response.set_header('X-Served-By', 'sluice')", 'js', 'the default kong.yaml: valid in both, names only kong'],
  ["kong.response.set_header('x-status', String(kong.response.get_status()))", 'js', 'valid in both, names a JS global'],
  ["kong.log.set_serialize_value('request.size', null);", 'js', 'null is JavaScript'],
  ['throw new Error("boom")', 'js', 'throw'],
  ['while (true) {}', 'js', 'a JS loop'],
  ['return', 'js', 'valid in both, names nothing'],
];

t.test('the language of each source', async (t) => {
  for (const [source, expected, why] of LANGUAGE) {
    t.equal(detectLanguage(source, 'access[0]'), expected, `${why}: ${JSON.stringify(source)}`);
  }
});

const load = (access: string) =>
  loadConfigText(`_format_version: "3.0"\nplugins:\n  - name: pre-function\n    config:\n      access:\n        - |\n${access.replace(/^/gm, '          ')}\n`, 'kong.yaml');

t.test('a source valid in neither language is refused, with its line, in the language that read further', async (t) => {
  const cases: [string, string, string][] = [
    ['print(', 'access[0] (line 1): Lua syntax error: unexpected symbol near <eof> (not valid JavaScript either: ', "01-schema_spec 'with an invalid function' (Kong: unexpected symbol near '<eof>'); a tie goes to Lua"],
    ['local ok = true\nif ok then\n  kong.response.exit(403)', "access[0] (line 3): Lua syntax error: 'end' expected (to close 'if' at line 2) near <eof>", 'Lua got further'],
    ['const a = 1;\nkong.response.exit(200 {});', 'access[0] (line 2): SyntaxError: missing ) after argument list (not valid Lua either: line 1: ', 'JavaScript got further'],
  ];
  for (const [source, prefix, why] of cases) {
    const message = checkServerless({ access: [source] });
    t.equal(message?.slice(0, prefix.length), prefix, why);
    const r = load(source);
    t.equal(r.ok, false, `${why}: refused at load`);
    if (!r.ok) t.match(r.errors[0]!.path, /^plugins\[0\]\.config/, 'reported inside the plugin config');
  }
  t.same(serverlessSourceErrors({ access: ['local x = 1', 'local y = = 2'], log: ['x = 1\nprint('] }).map((e) => [e.phase, e.index, e.line]), [
    ['access', 1, 1],
    ['log', 0, 2],
  ], 'every bad source, with its place, for src/config');
  t.ok(load('error("should never happen")').ok, "01-schema_spec: 'error in function is not triggered during validation'");
  t.ok(load('return "hello-world"').ok, "01-schema_spec: 'a valid chunk with an invalid return type'");
});

t.test('a Lua syntax error carries its line for the config error position', async (t) => {
  const err = detectLanguage('local x = 1\nlocal y = = 2', 'access[3]');
  t.ok(err instanceof ServerlessSyntaxError);
  t.equal((err as ServerlessSyntaxError).line, 2);
  t.match((err as ServerlessSyntaxError).message, /^Lua syntax error: unexpected symbol near '='/);
});
