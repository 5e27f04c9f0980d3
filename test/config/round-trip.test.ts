/**
 * Round trips: what sluice's Admin API `/config` exports and what Kong's `kong config db_export` writes (every
 * unset field as `~`, foreign keys as plain ids, `_transform: false`, a `parameters` collection) both load back
 * to the same entities.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { loadConfigText } from '../../src/config/load.js';
import { ENTITIES, type Entities } from '../../src/schema/index.js';
import { startTestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

const examplesDir = join(import.meta.dirname, '..', '..', 'examples');
const ENV = { APP_MAINTENANCE: 'x' };
const examples = readdirSync(examplesDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => ({ name: f, text: readFileSync(join(examplesDir, f), 'utf8') }));

function loaded(text: string, file = 'kong.yaml'): Entities {
  const r = loadConfigText(text, file, { env: ENV, now: Date.UTC(2026, 0, 1) });
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors, null, 2)}`);
  return r.config.entities;
}

/**
 * The file Kong's db_export would write for these entities (kong/db/declarative/export.lua: rows with nulls,
 * foreign keys replaced by their id, `_transform = false`; spec/02-integration/02-cmd/11-config_spec.lua lists
 * its top-level keys, `parameters` among them).
 */
function dbExport(entities: Entities): string {
  const doc: Record<string, unknown> = {
    _format_version: '3.0',
    _transform: false,
    parameters: [{ created_at: null, key: 'cluster_id', value: '36ad7d46-b95c-44f6-a79e-edb1f33baaf7' }],
  };
  for (const def of ENTITIES) {
    const rows = entities[def.name] as readonly Record<string, unknown>[];
    if (rows.length === 0) continue;
    const fks = new Set(def.foreignKeys.map((f) => f.field));
    doc[def.name] = rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, fks.has(k) && v !== null ? (v as { id: string }).id : v])),
    );
  }
  // lyaml writes null as `~`.
  return stringify(doc, { version: '1.1', nullStr: '~', lineWidth: 0, aliasDuplicateObjects: false });
}

t.test('a db_export of every example loads back to the same entities', async (t) => {
  t.ok(examples.length >= 20, `${examples.length} examples`);
  for (const { name, text } of examples) {
    const original = loaded(text, name);
    const exported = dbExport(original);
    t.match(exported, /: ~$/m, `${name}: the export carries nulls`);
    t.same(loaded(exported, `${name} (db_export)`), original, name);
  }
});

/** Entities with rows in id order and without load timestamps (the gateway stamped its own load's). */
function comparable(entities: Entities): Record<string, unknown[]> {
  const plain = JSON.parse(JSON.stringify(entities, (k, v: unknown) => (k === 'created_at' || k === 'updated_at' ? undefined : v))) as Record<string, unknown[]>;
  const key = (x: unknown) => JSON.stringify(x);
  return Object.fromEntries(Object.entries(plain).map(([k, rows]) => [k, [...rows].sort((a, b) => key(a).localeCompare(key(b)))]));
}

t.test("sluice's own /config export (YAML and JSON) loads back through a running gateway", async (t) => {
  const file = examples.find((e) => e.name.startsWith('05-'))!;
  const gw = await startTestGateway(file.text, { adminExposeSecrets: true });
  t.teardown(() => gw.close());
  const original = loaded(file.text);
  const yaml = await request(gw.adminPort, '/config');
  t.equal(yaml.status, 200);
  t.same(comparable(loaded(yaml.json<{ config: string }>().config)), comparable(original), 'YAML export');
  const json = await request(gw.adminPort, '/config?format=json');
  t.same(comparable(loaded(JSON.stringify(json.json<{ config: unknown }>().config), 'kong.json')), comparable(original), 'JSON export');
});
