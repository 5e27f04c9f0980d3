/**
 * `npm run schemas` writes schemas/*.json from the entity definitions; `npm run schemas:check` fails when the
 * committed files differ from what the code generates (so they can never go stale silently).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pluginCatalog } from '../plugins/catalog.js';
import { documentSchema, entitySchema, pluginSchema } from '../config/document-schema.js';
import { ENTITIES } from '../schema/registry.js';

export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

/** Every generated file: relative path → content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const out = (p: string, v: unknown) => files.set(p, `${JSON.stringify(v, null, 2)}\n`);
  out('kong.schema.json', documentSchema(true));
  for (const e of ENTITIES) out(`${e.singular}.json`, entitySchema(e.name));
  for (const name of pluginCatalog.keys()) out(`plugins/${name}.json`, pluginSchema(name));
  return files;
}

async function listJson(dir: string, base = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const d of entries) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await listJson(p, base)));
    else if (d.name.endsWith('.json')) out.push(relative(base, p));
  }
  return out;
}

async function main(mode: string): Promise<number> {
  const files = generatedFiles();
  if (mode === 'write') {
    for (const [p, text] of files) {
      await mkdir(dirname(join(SCHEMAS_DIR, p)), { recursive: true });
      await writeFile(join(SCHEMAS_DIR, p), text);
    }
    process.stdout.write(`wrote ${files.size} schemas to ${SCHEMAS_DIR}\n`);
    return 0;
  }
  const stale: string[] = [];
  for (const [p, text] of files) {
    const have = await readFile(join(SCHEMAS_DIR, p), 'utf8').catch(() => null);
    if (have !== text) stale.push(have === null ? `${p} (missing)` : p);
  }
  for (const p of await listJson(SCHEMAS_DIR)) if (!files.has(p)) stale.push(`${p} (no longer generated)`);
  if (stale.length > 0) {
    process.stderr.write(`schemas/ is stale: ${stale.join(', ')}\nRun \`npm run schemas\` and commit the result.\n`);
    return 1;
  }
  process.stdout.write(`schemas/ is up to date (${files.size} files)\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const mode = process.argv[2] ?? 'check';
  if (mode !== 'write' && mode !== 'check') {
    process.stderr.write('usage: generate-schemas.js write|check\n');
    process.exitCode = 2;
  } else {
    process.exitCode = await main(mode);
  }
}
