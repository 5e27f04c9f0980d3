import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { closedPort } from '../../helpers/upstream.js';

export interface RedisServer {
  readonly port: number;
  /** SIGSTOP: the connections stay open and nothing answers (a hung Redis). */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const BIN = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? 'redis-server';

/**
 * Starts a throwaway redis-server on 127.0.0.1 (no persistence), on `onPort` (to bring a stopped one back) or a
 * free one; resolves the reason instead when it cannot.
 */
export async function startRedis(onPort?: number): Promise<RedisServer | string> {
  const port = onPort ?? (await closedPort());
  let proc: ChildProcess;
  try {
    proc = spawn(BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
  } catch (err) {
    return `cannot start redis-server: ${(err as Error).message}`;
  }
  const exited = new Promise<string>((r) => {
    proc.once('error', (err) => r(`cannot start redis-server: ${err.message}`));
    proc.once('exit', (code) => r(`redis-server exited with code ${code}`));
  });
  const stop = () =>
    new Promise<void>((r) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return r();
      proc.once('exit', () => r());
      proc.kill('SIGCONT'); // a paused server would not act on SIGTERM
      proc.kill('SIGTERM');
    });
  const pause = () => void proc.kill('SIGSTOP');
  const resume = () => void proc.kill('SIGCONT');
  // Bounded wait for the port to answer PING.
  for (let i = 0; i < 50; i++) {
    const why = await Promise.race([exited, ping(port).then((ok) => (ok ? 'up' : null))]);
    if (why === 'up') return { port, pause, resume, stop };
    if (why !== null) return why;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  return 'redis-server did not answer within 5 s';
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.setTimeout(500);
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** A test file's redis-server, stopped when `t` ends; without one, `skip` says why its tests cannot run. */
export async function redisForFile(t: { teardown(fn: () => unknown): void }): Promise<{ redis: RedisServer | null; skip: string | false }> {
  const started = await startRedis();
  if (typeof started === 'string') return { redis: null, skip: `redis tests skipped: ${started}` };
  t.teardown(() => started.stop());
  return { redis: started, skip: false };
}
