/**
 * `sluice start`'s signals on a real process: SIGTERM, SIGINT and SIGQUIT drain (the request in flight is
 * answered, further signals are ignored) and exit 0; SIGHUP reloads the file, never dropping a request in flight; SIGUSR1 reopens the log plugins' files.
 */
import type { ServerResponse } from 'node:http';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { upstream, waitFor } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { closedPort } from '../helpers/upstream.js';
import { accepts, outputLine, type SluiceProcess, spawnSluice, startSluice, START_MS } from './sluice-process.js';

/** An upstream that holds every `/hold?id=…` request until `release(id)`, and answers the rest at once. */
async function holdingUpstream(t: Test) {
  const held = new Map<string, ServerResponse>();
  const up = await upstream(t, 'holding', (req, res) => {
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id');
    if (id === null) return res.end('at once');
    held.set(id, res);
  });
  t.teardown(() => {
    for (const res of held.values()) res.destroy();
  });
  return {
    url: up.url,
    /** Resolves once the request `id` has reached the upstream. */
    arrived: (id: string) => waitFor(`request ${id} at the upstream`, () => held.has(id), START_MS),
    release(id: string) {
      held.get(id)?.end(`released ${id}`);
    },
  };
}

function config(upstreamUrl: string, greeting: string): string {
  return [
    '_format_version: "3.0"',
    'services:',
    '  - name: held',
    `    url: ${upstreamUrl}`,
    '    routes: [{ name: hold, paths: [/hold] }]',
    'routes:',
    '  - name: greeting',
    '    paths: [/greeting]',
    `    plugins: [{ name: request-termination, config: { status_code: 200, message: ${greeting} } }]`,
    '',
  ].join('\n');
}

async function gatewayProcess(t: Test, yaml: string, extra: string[] = []): Promise<{ p: SluiceProcess; port: number; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-signals-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'kong.yaml');
  await writeFile(file, yaml);
  const port = await closedPort();
  const args = ['start', '-c', file, '--proxy-listen', `127.0.0.1:${port}`, '--admin-listen', 'off', '--no-watch', ...extra];
  return { p: await startSluice(t, args, [port]), port, file };
}

t.test('a stop signal drains the request in flight, ignores further signals, and exits 0', async (t) => {
  const up = await holdingUpstream(t);
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT'];
  // The three processes run side by side: a start is slow on a shared machine.
  await Promise.all(
    signals.map(async (signal) => {
      // A drain timeout far beyond the test's waits: the request must be answered, not cut at the deadline.
      const { p, port } = await gatewayProcess(t, config(up.url, 'hi'), ['--drain-timeout', '120000']);
      const inFlight = request(port, `/hold?id=${signal}`, { timeoutMs: START_MS });
      await up.arrived(signal);
      p.signal(signal);
      await outputLine(p, new RegExp(`shutting down: draining in-flight requests.*${signal}`));
      // A second stop signal and a SIGHUP during the drain: their default action would kill the process.
      p.signal(signal);
      p.signal('SIGHUP');
      await outputLine(p, /already draining: signal ignored/);
      await outputLine(p, /draining: SIGHUP ignored/);
      await waitFor(`${signal}: the listener stops accepting`, async () => !(await accepts(port)), START_MS);
      t.equal(p.exited(), null, `${signal}: still running while a request is in flight`);
      up.release(signal);
      const res = await inFlight;
      t.equal(res.status, 200, `${signal}: the request in flight is answered`);
      t.equal(res.body, `released ${signal}`, `${signal}: with the upstream's body`);
      t.equal(res.headers.connection, 'close', `${signal}: and its connection closed`);
      t.same(await p.waitExit(), { code: 0, signal: null }, `${signal}: exit 0 once drained`);
      t.match(p.stderr(), /"msg":"stopped"/, `${signal}: says it stopped`);
      t.notMatch(p.stderr(), /handles still open/, `${signal}: nothing left open`);
    }),
  );
});

t.test('SIGHUP reloads the file (changed or not), keeps a broken one out, and never drops a request in flight', async (t) => {
  const up = await holdingUpstream(t);
  const { p, port, file } = await gatewayProcess(t, config(up.url, 'one'));
  const greeting = async () => (await request(port, '/greeting')).json<{ message: string }>().message;
  const reloads = () => p.stderr().match(/"msg":"config reloaded"/g)?.length ?? 0;
  t.equal(await greeting(), 'one');

  const inFlight = request(port, '/hold?id=across-reload', { timeoutMs: START_MS });
  await up.arrived('across-reload');
  await writeFile(file, config(up.url, 'two'));
  p.signal('SIGHUP');
  await waitFor('the changed file served', async () => (await greeting()) === 'two', START_MS);
  up.release('across-reload');
  const res = await inFlight;
  t.equal(res.status, 200, 'the request started before the reload is answered');
  t.equal(res.body, 'released across-reload');

  await writeFile(file, config(up.url, 'two').replace('paths: [/greeting]', 'pathz: [/greeting]'));
  p.signal('SIGHUP');
  await outputLine(p, /config reload failed; the previous configuration keeps serving/);
  t.match(p.stderr(), /kong\.yaml:\d+:\d+: routes\[0\]\.pathz: unknown field/, 'the broken file is reported with its place');
  t.equal(await greeting(), 'two', 'the broken file does not replace the working one');
  t.equal(p.exited(), null, 'the process keeps running');

  // Kong's `kong reload` reloads whatever the file holds; an unchanged file is loaded again.
  await writeFile(file, config(up.url, 'two'));
  const before = reloads();
  p.signal('SIGHUP');
  await waitFor('a reload of the unchanged file', () => reloads() === before + 1, START_MS);
  p.signal('SIGHUP');
  await waitFor('another one', () => reloads() === before + 2, START_MS);
  t.equal(await greeting(), 'two');

  p.signal('SIGTERM');
  t.same(await p.waitExit(), { code: 0, signal: null }, 'exit 0');
});

t.test('SIGUSR1 reopens the log plugins\' files (logrotate\'s postrotate) and never stops the process', async (t) => {
  const up = await holdingUpstream(t);
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-usr1-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const log = join(dir, 'access.log');
  const yaml = config(up.url, 'hi').replace(
    'routes:\n',
    `plugins:\n  - name: file-log\n    config: { path: ${JSON.stringify(log)} }\nroutes:\n`,
  );
  const { p, port } = await gatewayProcess(t, yaml);
  const uris = async (path: string) =>
    (await readFile(path, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { request: { uri: string } }).request.uri);
  t.equal((await request(port, '/hold?n=1')).status, 200);
  await waitFor('the first line', async () => (await uris(log)).length === 1, START_MS);
  await rename(log, `${log}.1`);
  p.signal('SIGUSR1');
  await outputLine(p, /log files will be reopened/);
  t.equal((await request(port, '/hold?n=2')).status, 200);
  await waitFor('the next line in a new file at the path', async () => (await uris(log)).length === 1, START_MS);
  t.same(await uris(log), ['/hold?n=2'], 'the line after the signal is in the new file');
  t.same(await uris(`${log}.1`), ['/hold?n=1'], 'the rotated file keeps what it had');
  t.equal(p.exited(), null, 'SIGUSR1 does not stop the process (its default action would)');
  p.signal('SIGTERM');
  t.same(await p.waitExit(), { code: 0, signal: null }, 'exit 0');
});

t.test('a SIGHUP while a large file is still loading is held, then answered with one reload', async (t) => {
  const up = await holdingUpstream(t);
  const routes = Array.from({ length: 20_000 }, (_, i) => `  - { name: r${i}, paths: [/r/${i}], service: held }`).join('\n');
  const big = (greeting: string) => config(up.url, greeting).replace('routes:\n', `routes:\n${routes}\n`);
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-hup-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'kong.yaml');
  await writeFile(file, big('before'));
  const port = await closedPort();
  const p = spawnSluice(t, ['start', '-c', file, '--proxy-listen', `127.0.0.1:${port}`, '--admin-listen', 'off', '--no-watch']);
  await outputLine(p, /loading configuration/, START_MS);
  // Saved as editors save (a new file renamed over the old): the gateway may be reading the file right now, and
  // a write in place could hand it half a file.
  await writeFile(`${file}.new`, big('after'));
  await rename(`${file}.new`, file);
  p.signal('SIGHUP');
  // Held while the file loads; but a signal caught while the main thread compiles is dispatched only after the
  // serving handler is installed, and then it is an ordinary reload. Either way: one reload, the process lives.
  const answered = /SIGHUP during start-up: reloading once serving|SIGHUP: reloading configuration/g;
  await outputLine(p, answered, START_MS);
  t.equal(p.exited(), null, 'the process lives on (the default action of SIGHUP would have killed it)');
  const greeting = async () => (await request(port, '/greeting').catch(() => null))?.json<{ message: string }>().message;
  await waitFor('the file saved during start-up served', async () => (await greeting()) === 'after', START_MS);
  t.equal(`${p.stdout()}\n${p.stderr()}`.match(answered)?.length, 1, 'one SIGHUP, answered once');
  p.signal('SIGTERM');
  t.same(await p.waitExit(), { code: 0, signal: null }, 'exit 0');
});
