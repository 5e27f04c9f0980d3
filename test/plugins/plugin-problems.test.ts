/**
 * Plugin checks answer with problems at fields (PluginSchemaInfo.configProblems). fieldPrefixed reads the
 * `field: message` strings older helpers still write; definePlugin derives the string `check` that
 * src/config/checks.ts reads until it reads configProblems, and that string must place each problem where the
 * structured path says (checks.ts's checkMessageField reads it back).
 */
import { Type } from '@sinclair/typebox';
import t from 'tap';
import { checkMessageField } from '../../src/config/checks.js';
import { definePlugin } from '../../src/plugins/define.js';
import { fieldPrefixed, type PluginProblem } from '../../src/plugins/types.js';

const config = { headers: { a: 'b' }, access: ['x', 'y'], redis: { host: 'h' } };

t.test('fieldPrefixed: a message naming a field the config holds sits at that field', async (t) => {
  const cases: [message: string | null, want: PluginProblem[]][] = [
    [null, []],
    ['access[1]: bad', [{ path: ['config', 'access', 1], message: 'bad' }]],
    ['access[1] (line 3): bad', [{ path: ['config', 'access', 1], message: 'bad (line 3 of the function)' }]],
    ['config.headers: bad', [{ path: ['config', 'headers'], message: 'bad' }]],
    ['redis.host: bad', [{ path: ['config', 'redis', 'host'], message: 'bad' }]],
    ['redis.port: bad', [{ path: ['config'], message: 'redis.port: bad' }]],
    ['at least one of these fields must be non-empty: a, b', [{ path: ['config'], message: 'at least one of these fields must be non-empty: a, b' }]],
  ];
  for (const [message, want] of cases) t.same(fieldPrefixed(config, message), want, String(message));
});

t.test('the derived string check lands where the structured path says', async (t) => {
  const cases: [problem: PluginProblem, at: (string | number)[], message: string][] = [
    [{ path: ['config'], message: 'a rule across fields' }, [], 'a rule across fields'],
    [{ path: ['config', 'headers'], message: "cannot contain 'Host' header" }, ['headers'], "cannot contain 'Host' header"],
    [{ path: ['config', 'access', 1], message: 'bad (line 3 of the function)' }, ['access', 1], 'bad (line 3 of the function)'],
    // A key the string form cannot name keeps today's text, at config.
    [{ path: ['config', 'headers', 'x.y'], message: 'bad' }, [], 'config.headers.x.y: bad'],
  ];
  for (const [problem, at, message] of cases) {
    const def = definePlugin({
      schema: { name: 'p', version: '0', priority: 0, config: Type.Object({}), configProblems: () => [problem] },
      create: () => ({}),
    });
    const text = def.schema.check!(config);
    t.same(checkMessageField(config, text!), { path: at, message }, problem.path.join('.'));
  }
  const fine = definePlugin({ schema: { name: 'p', version: '0', priority: 0, config: Type.Object({}), configProblems: () => [] }, create: () => ({}) });
  t.equal(fine.schema.check!(config), null, 'no problem, no string');
});
