import { type FileHandle, open, stat } from 'node:fs/promises';
import type { Logger } from '../../log/logger.js';
import { Drops } from './drops.js';

// Kong opens with O_WRONLY|O_CREAT|O_APPEND and mode 0644 (kong/plugins/file-log/handler.lua).
const FLAGS = 'a';
const MODE = 0o644;
/** How often a write looks whether the path still names the open file (logrotate renamed it away). */
export const ROTATION_CHECK_MS = 1000;
/** Lines waiting for the disk, beyond which new ones are dropped: a stuck disk must not grow the heap. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * One log file of a gateway, shared by every file-log instance naming its path (Kong caches one fd per path). A
 * line is handed over synchronously and appended in the background, in order, lines queued meanwhile in one
 * write; the request never waits for the disk.
 *
 * The file stays open across requests. It is opened again (created if missing) when `reopen()` is called
 * (SIGUSR1), when a write finds that the path no longer names the open file (renamed or removed: logrotate
 * without copytruncate; looked at most once a second, one stat), and around every write while an instance has
 * Kong's `reopen: true`.
 */
export class FileSink {
  readonly path: string;
  readonly #drops: Drops;
  #handle: FileHandle | null = null;
  #identity = '';
  #checkedAt = 0;
  #pending: string[] = [];
  #pendingBytes = 0;
  #reopenEach = false;
  #reopenNext = false;
  #running: Promise<void> | null = null;
  lastUsed = Date.now();

  constructor(path: string, log: Logger) {
    this.path = path;
    this.#drops = new Drops(log, `file-log ${path}`);
  }

  get dropped(): number {
    return this.#drops.count;
  }

  get idle(): boolean {
    return this.#running === null && this.#pending.length === 0;
  }

  /** Queues one line (with its newline). `reopenEach`: Kong's `reopen`, from the latest instance that wrote. */
  write(line: string, reopenEach: boolean): void {
    this.lastUsed = Date.now();
    this.#reopenEach = reopenEach;
    if (this.#pendingBytes + line.length > MAX_PENDING_BYTES) {
      this.#drops.drop(1, `more than ${MAX_PENDING_BYTES} bytes are waiting to be written`);
      return;
    }
    this.#pending.push(line);
    this.#pendingBytes += line.length;
    this.#running ??= this.#drain().finally(() => (this.#running = null));
  }

  /** The next write opens the path anew (SIGUSR1, as nginx reopens its own logs). */
  reopen(): void {
    this.#reopenNext = true;
  }

  /** Writes what is queued (until `deadlineMs`), then closes the file. */
  async close(deadlineMs: number): Promise<void> {
    if (this.#running !== null) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#running, new Promise<void>((r) => (timer = setTimeout(r, deadlineMs)))]);
      clearTimeout(timer);
    }
    if (this.#pending.length > 0) this.#drops.drop(this.#pending.length, 'the gateway stopped before they were written');
    this.#pending = [];
    this.#pendingBytes = 0;
    await this.#closeHandle();
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      this.#pendingBytes = 0;
      await this.#append(batch);
    }
  }

  async #append(batch: string[]): Promise<void> {
    if (this.#reopenEach || this.#reopenNext || (await this.#rotated())) await this.#closeHandle();
    this.#reopenNext = false;
    if (this.#handle === null) {
      try {
        this.#handle = await open(this.path, FLAGS, MODE);
        const s = await this.#handle.stat();
        this.#identity = `${s.dev}:${s.ino}`;
        this.#checkedAt = Date.now();
      } catch (err) {
        await this.#closeHandle();
        this.#drops.drop(batch.length, `failed to open the file: ${(err as Error).message}`);
        return;
      }
    }
    try {
      await this.#handle.appendFile(batch.length === 1 ? batch[0]! : batch.join(''));
      this.#drops.delivered();
    } catch (err) {
      this.#drops.drop(batch.length, `failed to write to the file: ${(err as Error).message}`);
      await this.#closeHandle();
    }
    if (this.#reopenEach) await this.#closeHandle();
  }

  /** Whether the path names another file than the open one, or none (looked at most once per ROTATION_CHECK_MS). */
  async #rotated(): Promise<boolean> {
    if (this.#handle === null) return false;
    const now = Date.now();
    if (now - this.#checkedAt < ROTATION_CHECK_MS) return false;
    this.#checkedAt = now;
    try {
      const s = await stat(this.path);
      return `${s.dev}:${s.ino}` !== this.#identity;
    } catch {
      return true;
    }
  }

  async #closeHandle(): Promise<void> {
    const h = this.#handle;
    this.#handle = null;
    if (h !== null) await h.close().catch(() => undefined);
  }
}
