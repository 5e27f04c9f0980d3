/**
 * No sluice outlives the test that started it, even when that test process is killed outright (as a tap timeout
 * does): the harness starts sluice with a parent-death signal.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { waitFor } from '../helpers/gateway.js';
import { accepts, START_MS } from './sluice-process.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('a test process killed with SIGKILL takes its sluice with it', { skip: process.platform !== 'linux' && 'parent-death signals are Linux' }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-orphan-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const conf = join(dir, 'kong.yaml');
  await writeFile(conf, '_format_version: "3.0"\n');
  // The same loader flags tap gave this process, so the parent runs TypeScript as a test does.
  const parent = spawn(process.execPath, [...process.execArgv, join(import.meta.dirname, 'fixtures', 'orphan-parent.ts'), conf], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let sluice: { pid: number; port: number } | null = null;
  t.teardown(() => {
    parent.kill('SIGKILL');
    // Should the property fail, do not leave the orphan behind.
    if (sluice !== null && alive(sluice.pid)) process.kill(sluice.pid, 'SIGKILL');
  });
  let out = '';
  parent.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  sluice = await waitFor('the parent reports its sluice', () => (out.includes('\n') ? (JSON.parse(out) as { pid: number; port: number }) : false), START_MS);
  t.ok(await accepts(sluice.port), 'sluice serves');
  parent.kill('SIGKILL');
  const pid = sluice.pid;
  t.ok(await waitFor('sluice gone', () => !alive(pid), START_MS), 'sluice is gone once its test process is');
});
