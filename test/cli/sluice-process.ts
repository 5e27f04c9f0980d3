/**
 * `bin/sluice` as a real child process, for the tests of `sluice start` and `sluice validate`. bin/sluice runs
 * dist/, which `npm test` builds before tap runs; after editing src/, run `npm run build` before these tests.
 *
 * Every child is killed when its test ends (SIGKILL if it is still running) and its exit awaited, bounded. On
 * Linux it is also started with a parent-death signal (setpriv --pdeathsig), so the kernel kills it when the test
 * process dies however it dies — a tap timeout's signal or a SIGKILL included; no-orphan.test.ts proves it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type Teardown, until, waitFor } from '../helpers/gateway.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'sluice');

/** A start on a loaded 2-core machine can take several seconds; every wait is bounded by these. */
export const START_MS = 90_000;
export const EXIT_MS = 15_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SluiceProcess {
  readonly pid: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** The exit, once it happened (null while running). */
  readonly exited: () => Exit | null;
  /** Resolves with the exit; rejects when it has not come within `ms`. */
  waitExit(ms?: number): Promise<Exit>;
  signal(signal: NodeJS.Signals): void;
}

/** `setpriv` execs sluice in place (same pid, signals reach it directly) with PR_SET_PDEATHSIG set to SIGKILL. */
const SETPRIV = '/usr/bin/setpriv';
const COMMAND: readonly string[] = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', process.execPath] : [process.execPath];

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The test's environment without any SLUICE_* variable (the tests set the ones they mean), plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SLUICE_')) out[k] = v;
  return { ...out, ...env };
}

export interface SpawnOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

/** Spawns `bin/sluice ...args`; the child is killed and reaped when `t` ends. */
export function spawnSluice(t: Teardown, args: readonly string[], opts: SpawnOptions = {}): SluiceProcess {
  const child = spawn(COMMAND[0]!, [...COMMAND.slice(1), BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: childEnv(opts.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  let exit: Exit | null = null;
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      running.delete(child);
      resolve(exit);
    });
  });
  const waitExit = async (ms = EXIT_MS) => {
    const done = await until(() => exit ?? false, ms);
    if (!done) throw new Error(`sluice ${args.join(' ')} did not exit within ${ms} ms\nstderr: ${err}`);
    return done;
  };
  t.teardown(async () => {
    if (exit === null) child.kill('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, EXIT_MS).unref())]);
    if (exit === null) throw new Error(`sluice (pid ${child.pid}) survived SIGKILL`);
  });
  return {
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    waitExit,
    signal: (signal) => {
      if (exit === null) child.kill(signal);
    },
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Spawns sluice and resolves once one of `ports` accepts connections; rejects (with its stderr) when the process
 * exits first or `START_MS` passes.
 */
export async function startSluice(t: Teardown, args: readonly string[], ports: readonly number[], opts: SpawnOptions = {}): Promise<SluiceProcess> {
  const p = spawnSluice(t, args, opts);
  const state = await until(async () => {
    if (p.exited()) return 'exited';
    for (const port of ports) if (await accepts(port)) return 'ready';
    return false;
  }, START_MS, 50);
  if (state !== 'ready') {
    throw new Error(`sluice ${args.join(' ')} ${state === 'exited' ? `exited ${JSON.stringify(p.exited())}` : 'did not start in time'}\nstderr: ${p.stderr()}`);
  }
  return p;
}

/** Runs `bin/sluice ...args` to its end (bounded): for commands that are meant to exit by themselves. */
export async function runSluice(t: Teardown, args: readonly string[], opts: SpawnOptions = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const p = spawnSluice(t, args, opts);
  const exit = await p.waitExit(START_MS);
  return { ...exit, stdout: p.stdout(), stderr: p.stderr() };
}

/** Waits for a line of the child's output (stdout and stderr) to match; returns the match. */
export function outputLine(p: SluiceProcess, pattern: RegExp, ms = EXIT_MS): Promise<RegExpMatchArray> {
  return waitFor(`output matching ${pattern}`, () => `${p.stdout()}\n${p.stderr()}`.match(pattern) ?? false, ms);
}
