/**
 * Plugin checks answer with problems at fields (PluginSchemaInfo.configProblems), which src/config/checks.ts
 * reports each at its own path (test/plugins/schema-checks.test.ts shows them placed through the real loader).
 * fieldPrefixed reads the `field: message` strings older helpers still write.
 */
import t from 'tap';
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
