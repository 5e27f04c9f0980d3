// Config validation of the three transformer schemas, the way the loader does it: defaults, ajv, then configProblems().
import { Ajv } from 'ajv';
import t from 'tap';
import { joinPath } from '../../../src/config/errors.js';
import { applyDefaults } from '../../../src/config/normalize.js';
import requestTransformer from '../../../src/plugins/request-transformer/handler.js';
import responseTransformerAdvanced from '../../../src/plugins/response-transformer-advanced/handler.js';
import responseTransformer from '../../../src/plugins/response-transformer/handler.js';
import type { PluginSchemaInfo } from '../../../src/plugins/types.js';

const ajv = new Ajv({ allErrors: true, strict: false });

function validate(info: PluginSchemaInfo, input: unknown): { ok: boolean; config: Record<string, unknown>; error: string | null } {
  const config = structuredClone(input) as Record<string, unknown>;
  applyDefaults(info.config, config);
  const v = ajv.compile(info.config);
  if (!v(config)) return { ok: false, config, error: ajv.errorsText(v.errors) };
  const problems = info.configProblems?.(config) ?? [];
  const error = problems.map((p) => `${joinPath(p.path)}: ${p.message}`).join('; ');
  return { ok: problems.length === 0, config, error: problems.length === 0 ? null : error };
}

const cases: [name: string, info: PluginSchemaInfo, config: unknown, ok: boolean | RegExp][] = [
  // response-transformer-advanced: the documented example configuration and friends
  [
    'rta: doc example config',
    responseTransformerAdvanced.schema,
    {
      remove: {
        headers: ['x-toremove', 'x-another-one:application/json', 'x-list-of-values:v1,v2,v3', 'Set-Cookie:/JSESSIONID=.*/', 'x-another-regex://status/$/', 'x-one-more-regex:/^/begin//'],
        json: ['json-key-toremove', 'another-json-key'],
      },
      add: { headers: ['x-new-header:value', 'x-another-header:something'], json: ['new-json-key:some_value', 'another-json-key:some_value'] },
      append: { headers: ['x-existing-header:some_value', 'x-another-header:some_value'] },
    },
    true,
  ],
  ['rta: empty config', responseTransformerAdvanced.schema, {}, true],
  ['rta: doc typo p2=v2 has no colon', responseTransformerAdvanced.schema, { add: { json: ['p1:v1', 'p2=v2'] } }, /pattern/],
  ['rta: replace.body with if_status', responseTransformerAdvanced.schema, { replace: { body: '{"error": "internal server error"}', if_status: ['500'] } }, true],
  ['rta: if_status range', responseTransformerAdvanced.schema, { add: { headers: ['a:b'], if_status: ['200-299', '404'] } }, true],
  ['rta: if_status garbage', responseTransformerAdvanced.schema, { add: { if_status: ['2xx'] } }, /add\.if_status: '2xx'/],
  ['rta: if_status reversed range', responseTransformerAdvanced.schema, { remove: { if_status: ['299-200'] } }, /not a valid status code range/],
  ['rta: json_types', responseTransformerAdvanced.schema, { add: { json: ['p1:-1'], json_types: ['number'], if_status: ['500'] } }, true],
  ['rta: json_types unknown', responseTransformerAdvanced.schema, { add: { json: ['p1:-1'], json_types: ['integer'] } }, false],
  ['rta: allow.json', responseTransformerAdvanced.schema, { allow: { json: ['id', 'name'] } }, true],
  ['rta: whitelist.json (old name)', responseTransformerAdvanced.schema, { whitelist: { json: ['id'] } }, true],
  ['rta: nested paths', responseTransformerAdvanced.schema, { remove: { json: ['customers[*].info.phone', 'a[2]'] }, dots_in_keys: false }, true],
  ['rta: bad nested path', responseTransformerAdvanced.schema, { remove: { json: ['customers[x].phone'] }, dots_in_keys: false }, /invalid JSON path/],
  ['rta: brackets are plain with dots_in_keys', responseTransformerAdvanced.schema, { remove: { json: ['customers[x].phone'] } }, true],
  ['rta: bad regex', responseTransformerAdvanced.schema, { remove: { headers: ['h1:/(unclosed/'] } }, /invalid regular expression/],
  ['rta: rename to a bad header name', responseTransformerAdvanced.schema, { rename: { headers: ['h1:bad name'] } }, /'bad name' is not a valid header/],
  ['rta: transform function', responseTransformerAdvanced.schema, { transform: { functions: ['(data) => data'], if_status: ['200'] } }, true],
  ['rta: transform function body form', responseTransformerAdvanced.schema, { transform: { functions: ['data.x = 1; return data;'] } }, true],
  ['rta: transform function syntax error', responseTransformerAdvanced.schema, { transform: { functions: ['function (data) {'] } }, /transform\.functions\[0\]/],
  ['rta: transform.json is refused', responseTransformerAdvanced.schema, { transform: { json: ['a'] } }, /not supported/],
  ['rta: nulls as decK writes them', responseTransformerAdvanced.schema, { replace: { body: null, if_status: null }, allow: { json: null }, add: { if_status: null } }, true],
  ['rta: unknown field', responseTransformerAdvanced.schema, { remove: { cookies: [] } }, false],
  // response-transformer
  ['rt: full config', responseTransformer.schema, { remove: { headers: ['a'], json: ['b'] }, rename: { headers: ['a:b'], json: ['c:d'] }, replace: { json: ['p:1'], json_types: ['number'] }, add: { headers: ['x:y'] }, append: { json: ['q:r'] } }, true],
  ['rt: no if_status in OSS', responseTransformer.schema, { add: { if_status: ['200'] } }, false],
  ['rt: colon required', responseTransformer.schema, { add: { headers: ['novalue'] } }, /pattern/],
  ['rt: rename target must be a header name', responseTransformer.schema, { rename: { headers: ['a:b c'] } }, /not a valid header/],
  // request-transformer
  ['req: full config', requestTransformer.schema, { http_method: 'POST', remove: { headers: ['x-a'], querystring: ['q'], body: ['b'] }, rename: { headers: ['x-b:x-c'] }, replace: { uri: '/new/$(uri_captures.id)', headers: ['host:example.org'] }, add: { querystring: ['k:$(headers.host)'] }, append: { body: ['k:v'] } }, true],
  ['req: nulls as decK writes them', requestTransformer.schema, { http_method: null, replace: { uri: null } }, true],
  ['req: method must be upper case', requestTransformer.schema, { http_method: 'post' }, /pattern/],
  ['req: body entry without value', requestTransformer.schema, { add: { body: ['k:'] } }, /key 'k' has no value/],
  ['req: bad header name', requestTransformer.schema, { remove: { headers: ['bad header'] } }, /'bad header' is not a valid header/],
  ['req: unsupported template', requestTransformer.schema, { add: { headers: ['x:$(os.time())'] } }, /not in supported format/],
  ['req: unsupported uri template', requestTransformer.schema, { replace: { uri: '/$(ngx.var.uri)' } }, /not in supported format/],
];

for (const [name, info, config, want] of cases) {
  t.test(name, async (t) => {
    const got = validate(info, config);
    if (want instanceof RegExp) {
      t.equal(got.ok, false, 'refused');
      t.match(got.error ?? '', want);
    } else t.equal(got.ok, want, got.error ?? 'accepted');
  });
}

t.test('defaults are Kong’s: every list present and empty', async (t) => {
  t.strictSame(validate(responseTransformer.schema, {}).config, {
    remove: { json: [], headers: [] },
    rename: { json: [], headers: [] },
    replace: { json: [], json_types: [], headers: [] },
    add: { json: [], json_types: [], headers: [] },
    append: { json: [], json_types: [], headers: [] },
  });
  const rta = validate(responseTransformerAdvanced.schema, {}).config;
  t.equal(rta.dots_in_keys, true);
  t.strictSame(rta.allow, { json: null });
  t.strictSame(rta.transform, { functions: [], json: [] });
  const req = validate(requestTransformer.schema, {}).config;
  t.strictSame(req.replace, { body: [], headers: [], querystring: [] });
});

t.test('priorities and names', async (t) => {
  t.strictSame(
    [responseTransformer, responseTransformerAdvanced, requestTransformer].map((d) => [d.schema.name, d.schema.priority]),
    [
      ['response-transformer', 800],
      ['response-transformer-advanced', 800],
      ['request-transformer', 801],
    ],
  );
});

t.test('buffersResponse only when the config can change the body', async (t) => {
  const defaults = (info: PluginSchemaInfo, c: unknown) => validate(info, c).config as never;
  const rta = responseTransformerAdvanced;
  t.equal(rta.buffersResponse!(defaults(rta.schema, { add: { headers: ['a:b'] } })), false);
  t.equal(rta.buffersResponse!(defaults(rta.schema, { add: { json: ['a:b'] } })), true);
  t.equal(rta.buffersResponse!(defaults(rta.schema, { replace: { body: 'x' } })), true);
  t.equal(rta.buffersResponse!(defaults(rta.schema, { allow: { json: ['a'] } })), true);
  t.equal(rta.buffersResponse!(defaults(rta.schema, { transform: { functions: ['(d) => d'] } })), true);
  const rt = responseTransformer;
  t.equal(rt.buffersResponse!(defaults(rt.schema, { remove: { headers: ['a'] } })), false);
  t.equal(rt.buffersResponse!(defaults(rt.schema, { remove: { json: ['a'] } })), true);
});
