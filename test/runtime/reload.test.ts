import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startTestGateway, type TestGateway, until } from '../helpers/gateway.js';
import { md5 } from '../../src/config/load.js';
import { watchFile } from '../../src/runtime/watch-file.js';
import { request } from '../helpers/http.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { SAVE_PATTERNS, type SaveTarget, startWriter } from './save-patterns.js';

function config(up: Upstream, path: string, name = 'svc'): string {
  return `_format_version: "3.0"
services:
  - name: ${name}
    url: ${up.url}
    routes:
      - name: r-${name}
        paths: [${path}]
`;
}

/** Reloads are asynchronous: every wait for one is bounded. */
const eventually = (fn: () => Promise<boolean>) => until(fn, 8000).then((v) => v === true);

const serves = (gw: TestGateway, path: string, upstream: string) => async () => {
  const res = await request(gw.port, path);
  return res.status === 200 && res.json<{ upstream: string }>().upstream === upstream;
};

t.test('hot reload', async (t) => {
  const a = await startUpstream('a');
  const b = await startUpstream('b');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });

  t.test('a saved change is served; an invalid save keeps the old config', async (t) => {
    const gw = await startTestGateway(config(a, '/one'), { watch: true });
    t.teardown(() => gw.close());
    await gw.watching;
    t.ok(await serves(gw, '/one', 'a')());
    await gw.writeConfig(config(b, '/two'));
    t.ok(await eventually(serves(gw, '/two', 'b')), 'new route served after save');
    t.equal((await request(gw.port, '/one')).status, 404, 'old route gone');
    const generation = gw.cell.current.generation;

    await gw.writeConfig(`_format_version: "3.0"
services:
  - name: broken
    url: ${a.url}
    retries: -1
    routes: [{ name: r, paths: [/three] }]
`);
    t.ok(await eventually(async () => gw.cell.lastFailure !== null), 'failure recorded');
    const failure = gw.cell.lastFailure!;
    t.equal(failure.file, gw.file);
    t.ok(failure.errors.length >= 1);
    t.equal(failure.errors[0]?.line, 5, 'error located at the bad line');
    t.equal(gw.cell.current.generation, generation, 'snapshot not replaced');
    t.ok(await serves(gw, '/two', 'b')(), 'old config keeps serving');
    t.ok(
      gw.logs.some((l) => l.level === 'error' && String(l.msg).includes('reload failed')),
      'failure logged',
    );
  });

  t.test('editors that save by rename, and delete + recreate', async (t) => {
    const gw = await startTestGateway(config(a, '/one'), { watch: true });
    t.teardown(() => gw.close());
    await gw.watching;
    const tmp = join(gw.dir, '.kong.yaml.swp');
    await writeFile(tmp, config(b, '/renamed'));
    await rename(tmp, gw.file);
    t.ok(await eventually(serves(gw, '/renamed', 'b')), 'rename-save picked up');

    await unlink(gw.file);
    const missing = (l: Record<string, unknown>) => String(l.msg).startsWith('config file is missing');
    t.ok(await eventually(async () => gw.logs.some(missing)), 'the watcher saw the file go');
    t.ok(await serves(gw, '/renamed', 'b')(), 'missing file: old config keeps serving');
    await writeFile(gw.file, config(a, '/recreated'));
    t.ok(await eventually(serves(gw, '/recreated', 'a')), 'recreated file picked up');
  });

  t.test('a burst of writes ends on the last content', async (t) => {
    const gw = await startTestGateway(config(a, '/start'), { watch: true });
    t.teardown(() => gw.close());
    await gw.watching;
    for (let i = 0; i < 20; i++) await writeFile(gw.file, config(i % 2 ? a : b, `/burst${i}`));
    t.ok(await eventually(serves(gw, '/burst19', 'a')), 'last write wins');
    // And stays: the next thing loaded is the next save, not a late burst write.
    const generation = gw.cell.current.generation;
    await writeFile(gw.file, config(b, '/after'));
    t.ok(await eventually(serves(gw, '/after', 'b')), 'the save after the burst is served');
    t.equal(gw.cell.current.generation, generation + 1, 'and nothing was loaded in between');
  });

  t.test('Kubernetes ConfigMap symlink swap', async (t) => {
    // Lay out a ConfigMap volume by hand: kong.yaml -> ..data/kong.yaml, ..data -> ..v1
    const root = await mkdtemp(join(tmpdir(), 'sluice-cm-'));
    await mkdir(join(root, '..v1'), { recursive: true });
    await writeFile(join(root, '..v1', 'kong.yaml'), config(a, '/v1'));
    await symlink('..v1', join(root, '..data'));
    await symlink(join('..data', 'kong.yaml'), join(root, 'kong.yaml'));
    const cm = await startTestGateway(config(a, '/unused'), { watch: true, conf: join(root, 'kong.yaml') });
    t.teardown(async () => {
      await cm.close();
      await rm(root, { recursive: true, force: true });
    });
    await cm.watching;
    t.ok(await serves(cm, '/v1', 'a')(), 'v1 served');
    await mkdir(join(root, '..v2'));
    await writeFile(join(root, '..v2', 'kong.yaml'), config(b, '/v2'));
    await symlink('..v2', join(root, '..data_tmp'));
    await rename(join(root, '..data_tmp'), join(root, '..data'));
    t.ok(await eventually(serves(cm, '/v2', 'b')), 'swap of ..data picked up');
  });

  t.test('SIGHUP-style forced reload and identical content', async (t) => {
    const gw = await startTestGateway(config(a, '/same'), { watch: true });
    t.teardown(() => gw.close());
    await gw.watching;
    const generation = gw.cell.current.generation;
    // A second watcher, with the gateway's debounce, on a file beside it saved at the same moment: once it has
    // reported its save, the gateway's watcher has had the same kind of events and the same window.
    const beside = join(gw.dir, 'control.yaml');
    await writeFile(beside, 'before');
    const settled: string[] = [];
    const control = watchFile(beside, { debounceMs: 50, onChange: ({ text }) => settled.push(text), onMissing: () => {}, onError: () => {} });
    control.setKnownHash(md5('before'));
    t.teardown(() => control.close());
    await control.ready;
    await Promise.all([gw.writeConfig(config(a, '/same')), writeFile(beside, 'after')]);
    t.ok(await eventually(async () => settled.includes('after')), 'the save beside it has settled');
    t.equal(gw.cell.current.generation, generation, 'identical content is not reloaded');
    const outcome = await gw.reload();
    t.equal(outcome.status, 'swapped', 'a forced reload swaps even when unchanged');
    t.equal(gw.cell.current.generation, generation + 1);
  });
});

t.test('reload under load, saved in pieces: every response comes from one of the two configs', async (t) => {
  const a = await startUpstream('a');
  const b = await startUpstream('b');
  // The production debounce: the writer's pieces come 10–60 ms apart, inside it.
  const gw = await startTestGateway(config(a, '/x'), { watch: true, watchDebounceMs: 100 });
  const writer = startWriter();
  t.teardown(async () => {
    await writer.close();
    await gw.close();
    await a.close();
    await b.close();
  });
  await Promise.all([gw.watching, writer.ready]);
  const target: SaveTarget = { dir: gw.dir, file: gw.file, saves: 0 };
  const patterns = SAVE_PATTERNS.filter((p) => p.layout === 'plain');
  let stop = false;
  let sent = 0;
  const failures: string[] = [];
  const seen = new Set<string>();
  const client = async () => {
    while (!stop && sent < 60_000) {
      sent++;
      try {
        const res = await request(gw.port, '/x/y');
        const who = res.status === 200 ? res.json<{ upstream: string }>().upstream : `status ${res.status}`;
        if (who !== 'a' && who !== 'b') failures.push(who);
        else seen.add(who);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  };
  const clients = [client(), client(), client()];
  const deadline = Date.now() + 25_000;
  let saves = 0;
  let rests = 0;
  let loadedAtRest = 0;
  let longestGap = 0;
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    const text =
      i % 10 === 7 ? '_format_version: "3.0"\nservices: [ {name: broken' : config(i % 2 ? a : b, '/x', i % 2 ? 'sa' : 'sb');
    longestGap = Math.max(longestGap, await writer.save(patterns[i % patterns.length]!, target, text, { count: [2, 2], gapMs: [10, 40] }));
    saves++;
    // Every fifth save rests until it is loaded (never a broken one); the others run into the next save, like one long write.
    if (i % 5 === 0) {
      rests++;
      if (await until(() => gw.cell.current.hash === md5(text), 5000)) loadedAtRest++;
    } else await new Promise((r) => setTimeout(r, 5 + Math.random() * 15));
  }
  stop = true;
  await Promise.all(clients);
  t.same(failures.slice(0, 5), [], `${failures.length} requests failed or got another answer`);
  t.ok(failures.length === 0 || longestGap < 100, `pieces at most ${Math.round(longestGap)} ms apart (window 100 ms)`);
  // 200 unless the machine is so loaded that the deadline comes first.
  t.ok(saves >= 50, `${saves} saves`);
  // Requests kept coming between the saves (a count that follows the machine's speed, like the saves').
  t.ok(sent > saves * 3, `sent ${sent} requests during ${saves} rewrites`);
  t.same([...seen].sort(), ['a', 'b'], 'both configs served');
  t.equal(loadedAtRest, rests, `every save that rested was loaded (${loadedAtRest} of ${rests})`);
  t.ok(gw.cell.current.generation > rests, `reloaded ${gw.cell.current.generation - 1} times`);
});
