/**
 * `sluice start` that must not start: a config that does not load or a listener that cannot bind exits 1, with a
 * message that says what and where; it never exits 0 and never serves (bad flags: start-usage.test.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { closedPort } from '../helpers/upstream.js';
import { accepts, runSluice, spawnSluice, START_MS } from './sluice-process.js';
import { until } from '../helpers/gateway.js';

const GOOD = '_format_version: "3.0"\nroutes:\n  - name: r\n    paths: [/]\n';

/** Runs to the exit while watching `port`: resolves with the exit and whether anything ever accepted there. */
async function neverServes(t: Test, args: string[], port: number, env: Record<string, string> = {}) {
  const p = spawnSluice(t, args, { env });
  let served = false;
  await until(async () => {
    if (await accepts(port)) served = true;
    return p.exited() ?? false;
  }, START_MS, 20);
  const exit = await p.waitExit();
  return { ...exit, stderr: p.stderr(), stdout: p.stdout(), served };
}

t.test('a config that does not load exits 1 with file:line:col on stderr, and nothing listens', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-badconf-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const cases = [
    {
      name: 'schema error',
      yaml: '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://127.0.0.1:9\n    routes:\n      - name: r\n        pathz: [/a]\n',
      stderr: /kong\.yaml:7:9: services\[0\]\.routes\[0\]\.pathz: unknown field/,
    },
    { name: 'YAML syntax error', yaml: '_format_version: "3.0"\nroutes: [\n  { name: r\n', stderr: /kong\.yaml:\d+:\d+: / },
    { name: 'missing file', yaml: null, stderr: /cannot read .*kong\.yaml/ },
  ];
  for (const c of cases) {
    const conf = join(dir, c.name.replace(/ /g, '-'), 'kong.yaml');
    await mkdir(join(conf, '..'), { recursive: true });
    if (c.yaml !== null) await writeFile(conf, c.yaml);
    const port = await closedPort();
    const r = await neverServes(t, ['start', '-c', conf, '--proxy-listen', `127.0.0.1:${port}`, '--admin-listen', 'off'], port);
    t.equal(r.code, 1, `${c.name}: exit 1`);
    t.equal(r.signal, null, `${c.name}: exited by itself`);
    t.match(r.stderr, c.stderr, `${c.name}: the error with its place`);
    t.match(r.stderr, /sluice did not start/, `${c.name}: says it did not start`);
    t.notOk(r.served, `${c.name}: the proxy port never accepted a connection`);
  }
});

/** Holds a TCP port on 127.0.0.1 or a unix socket path, as another program would, until `t` ends. */
async function occupy(t: Test, where: number | string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => (typeof where === 'number' ? server.listen(where, '127.0.0.1', resolve) : server.listen(where, resolve)));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

t.test('a listener that cannot bind exits 1 and names the flag and the address', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-inuse-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const conf = join(dir, 'kong.yaml');
  await writeFile(conf, GOOD);
  const [taken, free] = [await closedPort(), await closedPort()];
  await occupy(t, taken);
  const socket = join(dir, 'admin.sock');
  await occupy(t, socket);
  const cases: { name: string; args: string[]; env?: Record<string, string>; stderr: string }[] = [
    {
      name: 'proxy port in use',
      args: ['--proxy-listen', `127.0.0.1:${taken}`, '--admin-listen', 'off'],
      stderr: `sluice: cannot listen on 127.0.0.1:${taken} (--proxy-listen): address already in use; sluice did not start`,
    },
    {
      name: 'admin port in use, from the environment (the proxy bound first and is let go)',
      args: ['--proxy-listen', `127.0.0.1:${free}`],
      env: { SLUICE_ADMIN_LISTEN: `127.0.0.1:${taken}` },
      stderr: `sluice: cannot listen on 127.0.0.1:${taken} (SLUICE_ADMIN_LISTEN): address already in use; sluice did not start`,
    },
    {
      name: 'admin socket in use',
      args: ['--proxy-listen', `127.0.0.1:${free}`, '--admin-listen', 'off', '--admin-socket', socket],
      stderr: `sluice: cannot listen on ${socket} (--admin-socket): address already in use; sluice did not start`,
    },
  ];
  for (const c of cases) {
    const r = await runSluice(t, ['start', '-c', conf, ...c.args], { env: c.env ?? {} });
    t.equal(r.code, 1, `${c.name}: exit 1`);
    t.equal(r.signal, null, `${c.name}: exited by itself`);
    t.match(r.stderr, c.stderr, `${c.name}: a clear message`);
    t.notMatch(r.stderr, /handles still open/, `${c.name}: nothing left open`);
    t.notOk(await accepts(free), `${c.name}: nothing left listening`);
  }
});
