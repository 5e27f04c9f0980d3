/**
 * The README's "Run it": `npm start` (package.json's start script) serves the repository's kong.yaml offline.
 * The script's command runs as it is written; only its listeners move to free loopback ports, through the
 * environment. The admin-api route proxies to the Admin API's default 127.0.0.1:8001, so it is checked on a copy
 * of the file that differs in that port alone.
 */
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { request } from '../helpers/http.js';
import { closedPort } from '../helpers/upstream.js';
import { ROOT, startSluice, type SluiceProcess } from './sluice-process.js';

/** `npm start`'s arguments to bin/sluice, read from package.json so the test runs what the README runs. */
async function startScriptArgs(t: Test): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const m = /^node bin\/sluice (.+)$/.exec(pkg.scripts.start);
  t.ok(m, `the start script runs bin/sluice: ${pkg.scripts.start}`);
  return m![1]!.split(/\s+/);
}

async function ports(): Promise<[number, number]> {
  const proxy = await closedPort();
  let admin = await closedPort();
  while (admin === proxy) admin = await closedPort();
  return [proxy, admin];
}

async function run(t: Test, cwd: string): Promise<{ p: SluiceProcess; proxy: number; admin: number }> {
  const [proxy, admin] = await ports();
  const env = { SLUICE_PROXY_LISTEN: `127.0.0.1:${proxy}`, SLUICE_ADMIN_LISTEN: `127.0.0.1:${admin}` };
  const p = await startSluice(t, await startScriptArgs(t), [proxy], { cwd, env });
  return { p, proxy, admin };
}

t.test('npm start serves the default kong.yaml: the greeting, the echo, the Admin API', async (t) => {
  const { p, proxy, admin } = await run(t, ROOT);

  const hello = await request(proxy, '/');
  t.equal(hello.status, 200, 'GET / is answered by the gateway itself');
  t.same(hello.json(), { message: 'Hello from sluice. Edit kong.yaml and save to change me.' });
  t.equal(hello.headers['x-served-by'], 'sluice', 'the global post-function ran');

  const echo = await request(proxy, '/echo?x=1');
  t.equal(echo.status, 200);
  t.match(echo.json(), { request: { method: 'GET', path: '/echo', query: { x: '1' } }, matched_route: { name: 'echo' } }, 'the request as the gateway saw it');

  const services = await request(admin, '/services');
  t.equal(services.status, 200, 'the Admin API directly');
  t.match(services.json(), { data: [{ name: 'admin-api' }] });

  p.signal('SIGTERM');
  t.same(await p.waitExit(), { code: 0, signal: null }, 'SIGTERM: exit 0');
});

t.test('the admin-api route publishes the Admin API on the proxy port to loopback clients only', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-default-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const original = await readFile(join(ROOT, 'kong.yaml'), 'utf8');
  const [proxy, admin] = await ports();
  t.equal(original.split('http://127.0.0.1:8001').length, 2, 'the file names the Admin API address once');
  await writeFile(join(dir, 'kong.yaml'), original.replace('http://127.0.0.1:8001', `http://127.0.0.1:${admin}`));
  // Trusting the loopback peer lets this client speak for another address (X-Real-IP, Kong's real_ip_header).
  const env = { SLUICE_PROXY_LISTEN: `127.0.0.1:${proxy}`, SLUICE_ADMIN_LISTEN: `127.0.0.1:${admin}`, SLUICE_TRUSTED_IPS: '127.0.0.1' };
  const p = await startSluice(t, await startScriptArgs(t), [proxy], { cwd: dir, env });

  const status = await request(proxy, '/admin/status');
  t.equal(status.status, 200, 'a loopback client gets /status through the proxy');
  t.match(status.json(), { server: { total_requests: Number }, configuration_hash: String });
  const remote = await request(proxy, '/admin/status', { headers: { 'x-real-ip': '203.0.113.9' } });
  t.equal(remote.status, 403, 'a client from elsewhere does not');
  t.match(remote.json(), { message: 'IP address not allowed: 203.0.113.9' });

  p.signal('SIGTERM');
  t.same(await p.waitExit(), { code: 0, signal: null }, 'SIGTERM: exit 0');
});
