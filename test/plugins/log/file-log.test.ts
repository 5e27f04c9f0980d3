/**
 * file-log through real gateways writing real files (Kong: kong/plugins/file-log/handler.lua,
 * spec/03-plugins/04-file-log/01-log_spec.lua): one JSON line per request carrying kong.log.serialize()'s
 * fields, in request order; the file kept open across requests; logrotate's rename followed; SIGUSR1's reopen;
 * Kong's `reopen: true`; custom_fields_by_lua; a file that cannot be opened never fails a request.
 */
import { readlink, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createLogger } from '../../../src/log/logger.js';
import { FileSink, ROTATION_CHECK_MS } from '../../../src/plugins/log-common/file-sink.js';
import { LogSinks } from '../../../src/plugins/log-common/sinks.js';
import { gatewayWithService, until, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { fileLines } from './receivers.js';

const lines = fileLines;

/** How many descriptors this process holds open on `path` (the gateway runs in this process). */
async function openCount(path: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target === path) n++;
  }
  return n;
}

const quiet = createLogger({ level: 'error', format: 'json', stream: process.stderr });

t.test('one JSON line per request with Kong\'s record, in order, the file kept open', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'access.log');
  const { gw } = await gatewayWithService(t, `
    - name: logged
      paths: [/logged]
      plugins:
        - name: file-log
          config: { path: ${JSON.stringify(path)} }
  `);
  for (let i = 0; i < 5; i++) t.equal((await request(gw.port, `/logged/${i}?q=${i}`, { headers: { authorization: 'Bearer x' } })).status, 200);
  const got = await waitFor('five lines', async () => {
    const l = await lines(path);
    return l.length === 5 ? l : undefined;
  });
  t.same(got.map((r) => r.request.uri), [0, 1, 2, 3, 4].map((i) => `/logged/${i}?q=${i}`), 'one line per request, in request order');
  const r = got[0]!;
  t.equal(r.request.method, 'GET');
  t.same(r.request.querystring, { q: '0' });
  t.equal(r.request.headers.authorization, 'REDACTED');
  t.equal(r.response.status, 200);
  t.equal(r.route.name, 'logged');
  t.equal(r.service.name, 'svc');
  t.equal(r.upstream_uri, '/0?q=0', 'strip_path took the route prefix');
  t.equal(r.client_ip, '127.0.0.1');
  t.type(r.started_at, 'number');
  t.type(r.latencies.request, 'number');
  t.equal(await openCount(path), 1, 'one descriptor, kept open between requests (Kong caches the fd by path)');
});

t.test('logrotate: after a rename, lines go to a new file at the path; none is lost', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'access.log');
  const { gw } = await gatewayWithService(t, `
    - name: rotated
      paths: [/rotated]
      plugins:
        - name: file-log
          config: { path: ${JSON.stringify(path)} }
  `);
  for (let i = 0; i < 3; i++) await request(gw.port, `/rotated/before-${i}`);
  await waitFor('three lines', async () => (await lines(path)).length === 3);
  await rename(path, `${path}.1`);
  // Requests keep coming; within a rotation check the path is looked at again and the file made anew.
  let sent = 0;
  const fresh = await until(async () => {
    await request(gw.port, `/rotated/after-${sent++}`);
    return (await lines(path)).length > 0;
  }, ROTATION_CHECK_MS * 4, 100);
  t.ok(fresh, 'a new file appeared at the path');
  await waitFor('every line written', async () => (await lines(path)).length + (await lines(`${path}.1`)).length === 3 + sent);
  const old = await lines(`${path}.1`);
  const now = await lines(path);
  t.same(old.slice(0, 3).map((r) => r.request.uri), ['/rotated/before-0', '/rotated/before-1', '/rotated/before-2'], 'the rotated file kept its lines');
  t.same([...old.slice(3), ...now].map((r) => r.request.uri), Array.from({ length: sent }, (_, i) => `/rotated/after-${i}`), 'no line lost, order kept across the two files');
  t.equal(await openCount(`${path}.1`), 0, 'the rotated file is closed');
});

t.test('reopen (SIGUSR1): the next write opens the path anew at once', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'a.log');
  const sinks = new LogSinks(quiet);
  t.teardown(() => sinks.close(1000));
  sinks.file(path).write('{"n":1}\n', false);
  await until(async () => (await lines(path)).length === 1);
  await rename(path, `${path}.1`);
  sinks.reopen();
  sinks.file(path).write('{"n":2}\n', false);
  const now = await waitFor('the line in a new file', async () => {
    const l = await lines(path);
    return l.length === 1 ? l : undefined;
  }, ROTATION_CHECK_MS / 2);
  t.same(now, [{ n: 2 }], 'written to the new file well before a rotation check would have looked');
  t.same(await lines(`${path}.1`), [{ n: 1 }]);
  await sinks.close(1000);
  t.equal(await openCount(path), 0, 'close() closes the file');
});

t.test("Kong's reopen: true opens and closes the file around each write", async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'each.log');
  const { gw } = await gatewayWithService(t, `
    - name: each
      paths: [/each]
      plugins:
        - name: file-log
          config: { path: ${JSON.stringify(path)}, reopen: true }
  `);
  await request(gw.port, '/each/1');
  await waitFor('the line', async () => (await lines(path)).length === 1);
  t.equal(await openCount(path), 0, 'not held open');
  await rename(path, `${path}.1`);
  await request(gw.port, '/each/2');
  const now = await waitFor('the next line in a new file', async () => {
    const l = await lines(path);
    return l.length === 1 ? l : undefined;
  }, ROTATION_CHECK_MS / 2);
  t.equal(now[0]!.request.uri, '/each/2');
});

t.test('custom_fields_by_lua: each chunk\'s value sets its field', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'custom.log');
  const { gw } = await gatewayWithService(t, `
    - name: custom
      paths: [/custom]
      plugins:
        - name: file-log
          config:
            path: ${JSON.stringify(path)}
            custom_fields_by_lua:
              foo: "return 'bar'"
              route_name: return kong.router.get_route().name
              caller: return kong.request.get_header("x-caller")
              request.headers.x-caller: return nil
              service: return nil
  `);
  await request(gw.port, '/custom', { headers: { 'x-caller': 'ci' } });
  const [r] = await waitFor('the line', async () => {
    const l = await lines(path);
    return l.length === 1 ? l : undefined;
  });
  t.equal(r!.foo, 'bar');
  t.equal(r!.route_name, 'custom');
  t.equal(r!.caller, 'ci');
  t.notOk('x-caller' in r!.request.headers, 'a nested field removed');
  t.notOk('service' in r!, 'a top-level field removed');
});

t.test('a file that cannot be opened: requests are answered, the failure logged once and counted', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'missing-dir', 'x.log');
  const { gw } = await gatewayWithService(t, `
    - name: nowhere
      paths: [/nowhere]
      plugins:
        - name: file-log
          config: { path: ${JSON.stringify(path)} }
  `);
  for (let i = 0; i < 5; i++) t.equal((await request(gw.port, '/nowhere')).status, 200);
  await waitFor('the failure logged', () => gw.logs.find((l) => String(l.msg).includes('failed to open the file: ENOENT')));
  await new Promise((r) => setTimeout(r, 100));
  t.equal(gw.logs.filter((l) => String(l.msg).includes('failed to open the file')).length, 1, 'once for the episode, not once per request');
});

t.test('FileSink: lines queued while a write is in flight go out together, in order', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'burst.log');
  const sink = new FileSink(path, quiet);
  for (let i = 0; i < 1000; i++) sink.write(`{"i":${i}}\n`, false);
  await sink.close(5000);
  const got = await lines(path);
  t.equal(got.length, 1000);
  t.ok(got.every((r, i) => r.i === i), 'in order');
  t.equal(sink.dropped, 0);
});

t.test("the gateway's reopenLogs (SIGUSR1) and stop: the file reopened at once, closed at stop", async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'gw.log');
  const { gw } = await gatewayWithService(t, `
    - name: sig
      paths: [/sig]
      plugins:
        - name: file-log
          config: { path: ${JSON.stringify(path)} }
  `);
  await request(gw.port, '/sig/1');
  await waitFor('the line', async () => (await lines(path)).length === 1);
  await rename(path, `${path}.1`);
  gw.reopenLogs();
  await request(gw.port, '/sig/2');
  const now = await waitFor('the next line in a new file', async () => {
    const l = await lines(path);
    return l.length === 1 ? l : undefined;
  }, ROTATION_CHECK_MS / 2);
  t.equal(now[0]!.request.uri, '/sig/2');
  t.equal(await openCount(path), 1);
  await gw.close();
  t.equal(await openCount(path), 0, 'closed when the gateway stops');
});
