/** Every file under examples/ and the default kong.yaml load cleanly. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadConfigText } from '../../src/config/load.js';

const root = join(import.meta.dirname, '..', '..');
const files = [
  join(root, 'kong.yaml'),
  ...readdirSync(join(root, 'examples'))
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => join(root, 'examples', f)),
];

t.ok(files.length >= 11, `${files.length} files`);
for (const file of files) {
  t.test(file.slice(root.length + 1), async (t) => {
    const r = loadConfigText(readFileSync(file, 'utf8'), file, { env: { APP_MAINTENANCE: 'x' } });
    t.ok(r.ok, r.ok ? 'valid' : JSON.stringify(r.errors, null, 2));
  });
}
