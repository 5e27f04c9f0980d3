/**
 * A plugin whose access handler throws: the client gets Kong's 500, and the plugins after it still run their
 * response phases and log phase for that answer (Kong's init.lua collects the rest of the chain and only skips
 * their access handlers), so access logs and metrics see the failed request. Sync and async throws alike.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { gatewayWithService, until } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

const CASES: [name: string, access: string][] = [
  ['a synchronous throw', '(kong) => { throw new Error("boom") }'],
  ['a rejected promise', 'async (kong) => { await null; throw new Error("boom") }'],
];

for (const [name, access] of CASES) {
  t.test(`${name} in access: later plugins still run header_filter and log`, async (t) => {
    const logFile = join(t.testdirName, 'access.log');
    t.testdir({});
    const { gw, up } = await gatewayWithService(
      t,
      `- name: r
  paths: [/r]
  plugins:
    - name: pre-function
      config: { access: [${JSON.stringify(access)}] }
    - name: response-transformer
      config: { add: { headers: ["x-after:seen"] } }
    - name: file-log
      config: { path: ${JSON.stringify(logFile)} }`,
    );
    const res = await request(gw.port, '/r');
    t.equal(res.status, 500);
    t.match(res.json<{ message: string }>().message, 'An unexpected error occurred');
    t.equal(res.headers['x-after'], 'seen', 'a later plugin ran header_filter on the error answer');
    t.equal(up.seen.length, 0, 'nothing reached the upstream');
    const line = await until(async () => {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text.trim() === '' ? false : text.trim().split('\n')[0];
    });
    t.ok(line, 'a later plugin ran its log phase');
    t.equal((JSON.parse(line!) as { response: { status: number } }).response.status, 500, 'and logged the 500');
  });
}
