/** The generated JSON Schemas: up to date, usable by a standard validator, and consistent with the loader. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import t from 'tap';
import { parse } from 'yaml';
import { generatedFiles, SCHEMAS_DIR } from '../../src/cli/generate-schemas.js';
import { ENTITIES } from '../../src/schema/index.js';

t.test('one schema per entity, the document schema and plugin schemas', async (t) => {
  const files = generatedFiles();
  for (const e of ENTITIES) t.ok(files.has(`${e.singular}.json`), e.singular);
  t.ok(files.has('kong.schema.json'));
  t.ok(files.has('plugins/request-termination.json'));
});

t.test('committed schemas match the code', async (t) => {
  for (const [p, text] of generatedFiles()) t.equal(readFileSync(join(SCHEMAS_DIR, p), 'utf8'), text, p);
});

t.test('kong.schema.json works in a plain JSON Schema validator (as editors use it)', async (t) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, 'kong.schema.json'), 'utf8')) as object);
  const good = parse(readFileSync(join(import.meta.dirname, '..', '..', 'kong.yaml'), 'utf8')) as unknown;
  t.ok(validate(good), JSON.stringify(validate.errors));
  t.notOk(validate({ _format_version: '3.0', services: [{ host: 'h', port: 'x' }] }));
  t.notOk(validate({ _format_version: '3.0', plugins: [{ name: 'request-termination', config: { status_code: 99 } }] }), 'plugin configs are checked too');
});

t.test('kong.schema.json accepts the files Kong and decK export (nulls, parameters, decK metadata)', async (t) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, 'kong.schema.json'), 'utf8')) as object);
  for (const name of ['15-deck-dump-with-nulls.yaml', '16-konnect-dump.yaml', '17-kong-db-export.yaml', '18-format-1.1-with-nulls.yaml']) {
    const doc = parse(readFileSync(join(import.meta.dirname, '..', '..', 'examples', name), 'utf8'), { version: '1.1' }) as unknown;
    t.ok(validate(doc), name, { errors: validate.errors });
  }
  // A null is "unset" only where a field may be left out (src/config/nullable.ts).
  t.notOk(validate({ _format_version: '3.0', plugins: [{ name: null }] }), 'a null plugin name');
  t.notOk(validate({ _format_version: null }), 'a null _format_version');
});
