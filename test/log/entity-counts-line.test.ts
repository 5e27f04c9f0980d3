/**
 * The start-up and reload lines count every entity kind, credentials included: a count is a number named
 * after a collection, not a secret (src/log/redact.ts Counts), while the credentials' values never appear.
 */
import t from 'tap';
import { gateway, waitFor } from '../helpers/gateway.js';

const KEY = 'counted-key-0123456789';
const yaml = (keys: number) => `_format_version: "3.0"
consumers:
  - username: alice
    keyauth_credentials:
${Array.from({ length: keys }, (_, i) => `      - key: ${KEY}-${i}`).join('\n')}
`;

t.test('start and reload lines: keyauth_credentials counted, keys absent', async (t) => {
  const gw = await gateway(t, yaml(1));
  const started = gw.logs.find((l) => l.msg === 'sluice started') as { entities?: Record<string, unknown> } | undefined;
  t.same(started?.entities, { consumers: 1, keyauth_credentials: 1 }, 'the start line counts them');
  await gw.writeConfig(yaml(2));
  await gw.reload();
  const reloaded = await waitFor('the reload line', () => gw.logs.find((l) => l.msg === 'config reloaded') as { entities?: Record<string, unknown> } | undefined);
  t.same(reloaded.entities, { consumers: 1, keyauth_credentials: 2 }, 'the reload line counts them');
  t.notMatch(JSON.stringify(gw.logs), KEY, 'no key value in any line');
});
