/**
 * `sluice start --status-listen` as a real process: the readiness probe answers 503 before the first
 * configuration serves and 200 after (Kong 3.3+'s /status/ready). The status listener is up before the
 * configuration is read, so a large file's load is seen from outside as 503 "configuration hash is not
 * initialized" — again and again, as the file is parsed off the event loop; an empty file serves nothing, so it
 * is 503 "empty configuration present" until a real one is saved.
 * bin/sluice runs dist/: `npm run build` after editing src/.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { type Teardown, waitFor } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { closedPort } from '../helpers/upstream.js';
import { accepts, spawnSluice, START_MS } from '../cli/sluice-process.js';

async function ports(): Promise<{ proxy: number; status: number }> {
  return { proxy: await closedPort(), status: await closedPort() };
}

async function tempDir(t: Teardown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-status-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function startArgs(file: string, p: { proxy: number; status: number }): string[] {
  return ['start', '-c', file, '--proxy-listen', `127.0.0.1:${p.proxy}`, '--admin-listen', 'off', '--status-listen', `127.0.0.1:${p.status}`, '--log-level', 'warn'];
}

t.test('503 while a large configuration loads, 200 once it serves', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'kong.yaml');
  // Thousands of routes: long enough a load to be seen from outside.
  const routes = Array.from({ length: 5_000 }, (_, i) => `      - { name: r${i}, paths: [/r${i}] }\n`).join('');
  await writeFile(file, `_format_version: "3.0"\nservices:\n  - name: svc\n    url: http://127.0.0.1:1\n    routes:\n${routes}`);
  const p = await ports();
  const sluice = spawnSluice(t, startArgs(file, p));
  const seen: string[] = [];
  let proxyBeforeReady = false;
  await waitFor(
    'ready',
    async () => {
      if (sluice.exited()) throw new Error(`sluice exited: ${sluice.stderr()}`);
      const r = await request(p.status, '/status/ready', { timeoutMs: START_MS }).catch(() => null);
      if (r === null) return false;
      seen.push(`${r.status} ${r.json<{ message: string }>().message}`);
      if (r.status !== 200 && (await accepts(p.proxy))) proxyBeforeReady = true;
      return r.status === 200;
    },
    START_MS,
  );
  const first = seen[0]!;
  t.comment(`${seen.length - 1} answer(s) of 503 before 200`);
  t.ok(seen.length - 1 >= 2, 'answered again and again while the file loads (the load runs off the event loop)');
  t.equal(first, '503 no configuration available (configuration hash is not initialized)', 'the first answer: not ready, no configuration yet');
  t.equal(seen.at(-1), '200 ready', 'then ready');
  t.same([...new Set(seen)], ['503 no configuration available (configuration hash is not initialized)', '200 ready'], 'nothing else in between');
  t.notOk(proxyBeforeReady, 'never not-ready while the proxy already accepts');
  t.ok(await accepts(p.proxy), 'the proxy listens once ready');
  sluice.signal('SIGTERM');
  t.equal((await sluice.waitExit()).code, 0, 'stops cleanly');
});

t.test('an empty configuration is not ready until a real one is saved', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'kong.yaml');
  await writeFile(file, '_format_version: "3.0"\n');
  const p = await ports();
  const sluice = spawnSluice(t, startArgs(file, p));
  const empty = await waitFor('an answer', async () => (await accepts(p.proxy)) && ((await request(p.status, '/status/ready').catch(() => null)) ?? false), START_MS);
  t.same([empty.status, empty.json()], [503, { message: 'no configuration available (empty configuration present)' }], 'serving an empty file: 503');
  await writeFile(file, '_format_version: "3.0"\nservices: [{ name: s, url: "http://127.0.0.1:1" }]\n');
  const ready = await waitFor('the saved file served', async () => {
    const r = await request(p.status, '/status/ready');
    return r.status === 200 ? r : false;
  }, START_MS);
  t.same(ready.json(), { message: 'ready' }, 'saved and reloaded: 200 ready');
  sluice.signal('SIGTERM');
  t.equal((await sluice.waitExit()).code, 0);
});
