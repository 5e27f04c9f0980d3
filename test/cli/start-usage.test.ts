/** `sluice start` with a bad flag or environment variable: exit 2, naming what is wrong, before anything starts. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { closedPort } from '../helpers/upstream.js';
import { accepts, runSluice } from './sluice-process.js';

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
    { name: 'port out of range', args: ['--proxy-listen', '127.0.0.1:70000'], stderr: /--proxy-listen: invalid listen address '127\.0\.0\.1:70000'.*bad port '70000'/ },
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
