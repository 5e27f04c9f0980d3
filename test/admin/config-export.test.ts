import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { exportConfig } from '../../src/admin/config-export.js';
import { buildAdminViews } from '../../src/snapshot/admin-views.js';
import { loadConfigFile } from '../../src/config/load.js';

// GET /config must hand back a file that loads to the same entities (timestamps are re-stamped on load).
const withoutStamps = (entities: object): Record<string, { id: string }[]> => {
  const plain = JSON.parse(
    JSON.stringify(entities, (k, v: unknown) => (k === 'created_at' || k === 'updated_at' ? undefined : v)),
  ) as Record<string, { id: string }[]>;
  const byId = (a: { id: string }, b: { id: string }) => JSON.stringify(a).localeCompare(JSON.stringify(b));
  return Object.fromEntries(Object.entries(plain).map(([k, rows]) => [k, [...rows].sort(byId)]));
};

t.test('every example survives export and reload', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-admin-export-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const examples = (await readdir('examples')).filter((f) => f.endsWith('.yaml'));
  t.ok(examples.length > 0);
  for (const name of examples) {
    const original = await loadConfigFile(join('examples', name));
    if (!original.ok) continue; // examples are validated by their own test
    const file = join(dir, name);
    await writeFile(file, exportConfig(buildAdminViews(original.config.entities), 'expose'));
    const again = await loadConfigFile(file);
    t.ok(again.ok, `${name} loads after export`);
    if (again.ok) t.same(withoutStamps(again.config.entities), withoutStamps(original.config.entities), name);
  }
});
