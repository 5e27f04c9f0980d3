/** `bin/sluice validate` as a real child process: exit codes, human and JSON output. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runSluice } from './sluice-process.js';

t.test('sluice validate', async (t) => {
  const run = (args: string[]) => runSluice(t, args);
  const dir = await mkdtemp(join(tmpdir(), 'sluice-validate-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const good = join(dir, 'good.yaml');
  const bad = join(dir, 'bad.yaml');
  await writeFile(good, '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://127.0.0.1:9/\n    routes:\n      - name: r\n        paths: [/a]\n');
  await writeFile(bad, '_format_version: "3.0"\nservices:\n  - name: s\n    port: 99999\n    routes:\n      - name: r\n        pathz: [/a]\n');

  t.test('valid file: exit 0 and a summary with counts', async (t) => {
    const r = await run(['validate', good]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /valid \(_format_version 3\.0\): 1 services, 1 routes/);
    t.equal(r.stderr, '', 'nothing on stderr');
  });
  t.test('invalid file: exit 1, one line per error with file:line:col', async (t) => {
    const r = await run(['validate', bad]);
    t.equal(r.code, 1);
    t.equal(r.stdout, '', 'the errors go to stderr, nothing to stdout');
    t.match(r.stderr, `${bad}:4:11: services[0].port: value should be between 0 and 65535`);
    t.match(r.stderr, `${bad}:7:9: services[0].routes[0].pathz: unknown field (did you mean 'paths'?)`);
    t.match(r.stderr, /invalid, \d+ errors/);
  });
  t.test('--json report', async (t) => {
    const r = await run(['validate', '--json', bad]);
    t.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as { valid: boolean; errors: { path: string; line: number }[] };
    t.equal(report.valid, false);
    t.ok(report.errors.some((e) => e.path === 'services[0].port' && e.line === 4));
    const ok = JSON.parse((await run(['validate', '--json', good])).stdout) as { valid: boolean; counts: object };
    t.same(ok.counts, { services: 1, routes: 1 });
  });
  t.test('unreadable file: exit 2', async (t) => {
    const r = await run(['validate', join(dir, 'missing.yaml')]);
    t.equal(r.code, 2);
    t.match(r.stderr, 'no such file');
  });
  t.test('bad usage: exit 2', async (t) => {
    const r = await run(['validate', '--nope']);
    t.equal(r.code, 2);
  });
  t.test('--help is fast and exits 0', async (t) => {
    const r = await run(['--help']);
    t.equal(r.code, 0);
    t.match(r.stdout, 'validate');
  });
});
