import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from '../../log/logger.js';
import { Drops } from './drops.js';

/** Where glibc's syslog(3) writes, and so Kong's syslog plugin (lsyslog). */
export const DEFAULT_SYSLOG_SOCKET = '/dev/log';
/** Kong's SENDER_NAME: messages are tagged `kong[pid]`. */
const TAG = 'kong';
/** util-linux logger truncates at --size (1 KiB by default); syslog(3) does not truncate, nor does this. */
const MAX_MESSAGE = 1024 * 1024;
/** Lines the logger has not read yet, beyond which new ones are dropped. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * A gateway's writer to the local syslog daemon's socket. Kong's plugin calls lsyslog: openlog("kong", LOG_PID,
 * facility) then syslog(priority, json), which glibc sends as one datagram `<PRI>Mmm dd hh:mm:ss kong[pid]: json`
 * on the unix datagram socket /dev/log, silently dropped when no daemon listens. Node cannot open unix datagram
 * sockets, so the datagrams are written by util-linux's `logger` (Debian's essential bsdutils), one child per
 * gateway started on first use: each line on its stdin, `<PRI>json`, becomes one such datagram (--prio-prefix,
 * tag and pid as syslog(3) would write them). Writes to the child are asynchronous and bounded; a child that
 * exits is started again on the next message.
 */
export class SyslogSink {
  readonly #socket: string;
  readonly #drops: Drops;
  #child: ChildProcess | null = null;
  #closed = false;
  lastUsed = Date.now();

  constructor(socketPath: string, log: Logger) {
    this.#socket = socketPath;
    this.#drops = new Drops(log, `syslog ${socketPath}`);
  }

  get dropped(): number {
    return this.#drops.count;
  }

  get idle(): boolean {
    return (this.#child?.stdin?.writableLength ?? 0) === 0;
  }

  /** One message at `priority` (facility * 8 + severity, RFC 5424 §6.2.1). Never throws, never blocks. */
  send(priority: number, message: string): void {
    this.lastUsed = Date.now();
    if (this.#closed) return;
    const child = this.#child ?? this.#start();
    const stdin = child?.stdin;
    if (!stdin || stdin.destroyed) return this.#drops.drop(1, 'the logger process is not running');
    if (stdin.writableLength > MAX_BUFFERED_BYTES) return this.#drops.drop(1, `${stdin.writableLength} bytes wait for the logger process`);
    stdin.write(`<${priority}>${message}\n`);
    this.#drops.delivered();
  }

  /** Lets the child send what it was given (within `deadlineMs`) and exit. */
  async close(deadlineMs: number): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    this.#child = null;
    if (child === null || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end();
    });
  }

  #start(): ChildProcess | null {
    const args = ['--prio-prefix', '-t', TAG, `--id=${process.pid}`, '-u', this.#socket, '--socket-errors=off', '--size', String(MAX_MESSAGE)];
    let child: ChildProcess;
    try {
      child = spawn('logger', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (err) {
      this.#drops.drop(0, `cannot start logger (util-linux): ${(err as Error).message}`);
      return null;
    }
    this.#child = child;
    // The child and its pipes never keep the process alive: a gateway that is not closed still lets it exit
    // (the logger then reads EOF and exits too).
    child.unref();
    for (const pipe of [child.stdin, child.stderr]) (pipe as { unref?: () => void } | null)?.unref?.();
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-500)));
    child.stdin?.on('error', () => undefined);
    child.on('error', (err) => {
      this.#drops.drop(0, `cannot start logger (util-linux): ${err.message}`);
      if (this.#child === child) this.#child = null;
    });
    child.on('close', (code) => {
      if (this.#child === child) this.#child = null;
      if (!this.#closed && code !== 0) this.#drops.drop(0, `logger exited with code ${code}: ${stderr.trim()}`);
    });
    return child;
  }
}
