import t from 'tap';
import { startTestGateway, upstream } from '../helpers/gateway.js';
import { poolConfig } from './lb-helpers.js';
// A real gateway disposes health checkers when a snapshot retires and when it closes (src/snapshot/lifecycle.ts).
t.test('a real gateway: reload and close stop probe timers', async (t) => {
  const up = await upstream(t, 'u');
  const active = 'healthchecks:\n  active:\n    healthy:\n      interval: 0.05';
  const gw = await startTestGateway(poolConfig([{ target: `127.0.0.1:${up.port}` }], active));
  const activeProbeTimers = () => gw.balancers.checkers.activeProbeTimers();
  const liveCheckers = () => gw.balancers.checkers.liveCheckers();
  t.equal(activeProbeTimers(), 1, 'one probe interval');
  await gw.writeConfig(poolConfig([{ target: `127.0.0.1:${up.port}` }], active).replace('name: r', 'name: r2'));
  t.equal((await gw.reload()).status, 'swapped');
  t.equal(activeProbeTimers(), 1, 'kept');
  await gw.writeConfig('_format_version: "3.0"\n');
  t.equal((await gw.reload()).status, 'swapped');
  t.equal(activeProbeTimers(), 0, 'gone after reload');
  t.equal(liveCheckers(), 0, 'no checker left');
  await gw.writeConfig(poolConfig([{ target: `127.0.0.1:${up.port}` }], active));
  await gw.reload();
  t.equal(activeProbeTimers(), 1, 'probing again');
  await gw.close();
  t.equal(activeProbeTimers(), 0, 'gone after close');
});
