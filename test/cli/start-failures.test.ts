/**
 * `sluice start` that must not start: a bad flag or variable exits 2, a config that does not load or a listener
 * that cannot bind exits 1, each with a message that says what and where; none ever exits 0 or serves.
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

t.test('a bad flag or environment value exits 2 before anything starts', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-usage-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const conf = join(dir, 'kong.yaml');
  await writeFile(conf, GOOD);
  const port = await closedPort();
  const base = ['start', '-c', conf, '--proxy-listen', `127.0.0.1:${port}`, '--admin-listen', 'off'];
  const cases: { name: string; args?: string[]; env?: Record<string, string>; stderr: RegExp }[] = [
    { name: 'unknown flag', args: ['--nope'], stderr: /unknown option '--nope'/ },
    { name: 'flag value not among the choices', args: ['--engine', 'fast'], stderr: /'--engine <name>' argument 'fast' is invalid/ },
    { name: 'variable value not among the choices', env: { SLUICE_ENGINE: 'fast' }, stderr: /from env 'SLUICE_ENGINE' is invalid/ },
    { name: 'listen address', args: ['--proxy-listen', 'nowhere'], stderr: /--proxy-listen: invalid listen address 'nowhere'/ },
    { name: 'port out of range', args: ['--proxy-listen', '127.0.0.1:70000'], stderr: /--proxy-listen: port 70000 is out of range/ },
    {
      name: 'listen address from the environment',
      env: { SLUICE_PROXY_SSL_LISTEN: 'a:b' },
      stderr: /^sluice start: SLUICE_PROXY_SSL_LISTEN: invalid listen address 'a:b'/m,
    },
    { name: 'drain timeout', args: ['--drain-timeout', 'soon'], stderr: /--drain-timeout: 'soon' is not a whole number of milliseconds/ },
    { name: 'drain timeout from the environment', env: { SLUICE_DRAIN_TIMEOUT: '-1' }, stderr: /SLUICE_DRAIN_TIMEOUT: '-1' is not a whole number/ },
    { name: 'headers', args: ['--headers', 'server_tokenz'], stderr: /^sluice start: --headers: unknown value 'server_tokenz'/m },
    { name: 'trusted ips', env: { SLUICE_TRUSTED_IPS: '10.0.0.300' }, stderr: /^sluice start: SLUICE_TRUSTED_IPS: '10\.0\.0\.300' is not an IP/m },
    { name: 'half a certificate pair', args: ['--ssl-cert', join(dir, 'c.pem')], stderr: /--ssl-cert and --ssl-cert-key must be given together/ },
    { name: 'boolean variable', env: { SLUICE_WATCH: 'sometimes' }, stderr: /SLUICE_WATCH: 'sometimes' is not a boolean/ },
    { name: 'secrets switch variable', env: { SLUICE_ADMIN_EXPOSE_SECRETS: 'please' }, stderr: /SLUICE_ADMIN_EXPOSE_SECRETS: 'please' is not a boolean/ },
    { name: 'log level', args: ['--log-level', 'loud'], stderr: /'--log-level <level>' argument 'loud' is invalid/ },
  ];
  // A few at a time: each is a short-lived process, and the machine is shared.
  const results: Awaited<ReturnType<typeof runSluice>>[] = [];
  for (let i = 0; i < cases.length; i += 4) {
    const batch = cases.slice(i, i + 4).map((c) => runSluice(t, [...base, ...(c.args ?? [])], { env: c.env ?? {} }));
    results.push(...(await Promise.all(batch)));
  }
  cases.forEach((c, i) => {
    const r = results[i]!;
    t.equal(r.code, 2, `${c.name}: exit 2 (${r.stderr.trim()})`);
    t.match(r.stderr, c.stderr, `${c.name}: says what is wrong`);
    t.notMatch(r.stderr, /sluice started/, `${c.name}: never started`);
  });
  t.notOk(await accepts(port), 'nothing listens');
});

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
