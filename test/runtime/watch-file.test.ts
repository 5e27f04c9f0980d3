/** The file watcher against the ways files really get replaced. Real files in a temp dir, bounded waits. */
import { mkdir, mkdtemp, open, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { md5 } from '../../src/config/load.js';
import { watchFile } from '../../src/runtime/watch-file.js';
import { until } from '../helpers/gateway.js';

interface Seen {
  changes: string[];
  missing: number;
}

async function setup(t: Test, initial: string, layout: 'plain' | 'configmap' = 'plain', debounceMs = 40) {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-watch-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'kong.yaml');
  if (layout === 'plain') await writeFile(file, initial);
  else {
    // Kubernetes ConfigMap layout: kong.yaml -> ..data/kong.yaml, ..data -> ..v1
    await mkdir(join(dir, '..v1'));
    await writeFile(join(dir, '..v1', 'kong.yaml'), initial);
    await symlink('..v1', join(dir, '..data'));
    await symlink(join('..data', 'kong.yaml'), file);
  }
  const seen: Seen = { changes: [], missing: 0 };
  const w = watchFile(file, {
    debounceMs,
    onChange: ({ text }) => seen.changes.push(text),
    onMissing: () => seen.missing++,
    onError: (err) => t.fail(err.message),
  });
  // As the gateway does: the content it loaded is not a change.
  w.setKnownHash(md5(initial));
  t.teardown(() => w.close());
  await w.ready;
  return { dir, file, seen, w };
}


t.test('in-place write', async (t) => {
  const { file, seen } = await setup(t, 'a');
  await writeFile(file, 'b');
  t.ok(await until(() => seen.changes.includes('b')), 'change seen');
});

t.test('a save made while the watcher is being armed is seen', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-watch-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'kong.yaml');
  await writeFile(file, 'loaded');
  const changes: string[] = [];
  const w = watchFile(file, { debounceMs: 40, onChange: ({ text }) => changes.push(text), onMissing: () => {}, onError: (err) => t.fail(err.message) });
  w.setKnownHash(md5('loaded'));
  t.teardown(() => w.close());
  // Before chokidar is armed: no event will ever announce this write.
  await writeFile(file, 'saved before ready');
  await w.ready;
  t.ok(await until(() => changes.includes('saved before ready')), 'change seen');
  t.same(changes, ['saved before ready'], 'once, and the loaded content is not reported');
});

t.test('atomic rename-over save (vim, VS Code, JetBrains)', async (t) => {
  const { dir, file, seen } = await setup(t, 'a');
  await writeFile(join(dir, '.kong.yaml.swp'), 'renamed');
  await rename(join(dir, '.kong.yaml.swp'), file);
  t.ok(await until(() => seen.changes.includes('renamed')), 'change seen');
});

t.test('delete, then recreate', async (t) => {
  const { file, seen } = await setup(t, 'a');
  await unlink(file);
  t.ok(await until(() => seen.missing === 1), 'missing reported once');
  await writeFile(file, 'back');
  t.ok(await until(() => seen.changes.includes('back')), 'recreated file seen');
});

t.test('ConfigMap ..data symlink swap', async (t) => {
  const { dir, seen } = await setup(t, 'v1', 'configmap');
  await mkdir(join(dir, '..v2'));
  await writeFile(join(dir, '..v2', 'kong.yaml'), 'v2');
  await symlink('..v2', join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  t.ok(await until(() => seen.changes.includes('v2')), 'swap seen');
});

t.test('a burst of writes is debounced to the final content', async (t) => {
  const { file, seen } = await setup(t, 'a');
  for (let i = 0; i < 20; i++) await writeFile(file, `burst-${i}`);
  t.ok(await until(() => seen.changes.includes('burst-19')), 'final content seen');
  t.ok(seen.changes.length <= 3, `${seen.changes.length} change(s) reported for 20 writes`);
});

t.test('identical content is not reported', async (t) => {
  const { dir, file, seen, w } = await setup(t, 'same');
  // A watcher on a file beside it, saved at the same moment: once it reports, the first has had its window too.
  const beside = join(dir, 'beside.yaml');
  await writeFile(beside, 'before');
  const besideSeen: string[] = [];
  const control = watchFile(beside, { debounceMs: 40, onChange: ({ text }) => besideSeen.push(text), onMissing: () => {}, onError: (err) => t.fail(err.message) });
  control.setKnownHash(md5('before'));
  t.teardown(() => control.close());
  await control.ready;
  w.setKnownHash('8a4d3fa5b9ab0dc2d2b6ea2a8e55f7d9'); // not the hash of 'same': first write is reported
  await writeFile(file, 'same');
  t.ok(await until(() => seen.changes.length === 1));
  await Promise.all([writeFile(file, 'same'), writeFile(beside, 'after')]);
  t.ok(await until(() => besideSeen.includes('after')), 'the save beside it has settled');
  t.equal(seen.changes.length, 1, 'rewrite with the same bytes: no change');
});

t.test('a file written in pieces less than a window apart is reported once, whole', async (t) => {
  const { file, seen } = await setup(t, 'old', 'plain', 100);
  const pieces = ['first part\n', 'second part\n', 'last part\n'];
  for (let round = 0; round < 3; round++) {
    const fh = await open(file, 'w');
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 30 + 20 * round));
      await fh.write(`${round}:${piece}`);
    }
    await fh.close();
    const whole = pieces.map((p) => `${round}:${p}`).join('');
    t.ok(await until(() => seen.changes.includes(whole)), `round ${round}: whole file seen`);
  }
  t.equal(seen.changes.length, 3, 'one change per save');
  t.same(
    seen.changes.filter((c) => c.split('\n').length !== 4),
    [],
    'never a prefix',
  );
});

t.test('a file that keeps changing is reported only once it has been quiet for the window', async (t) => {
  const { file, seen } = await setup(t, 'start', 'plain', 100);
  const started = performance.now();
  for (let i = 0; i < 12; i++) {
    await writeFile(file, `tick-${i}`);
    await new Promise((r) => setTimeout(r, 40));
  }
  const lastWrite = performance.now();
  t.same(seen.changes, [], `nothing reported during ${Math.round(lastWrite - started)} ms of writes 40 ms apart`);
  t.ok(await until(() => seen.changes.length === 1), 'reported after the writes stop');
  t.same(seen.changes, ['tick-11'], 'the last content');
});
