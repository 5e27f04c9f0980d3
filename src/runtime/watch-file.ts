/**
 * Watches one config file through its directory, so every way editors and orchestrators replace a file is
 * seen: in-place writes, atomic rename-over saves, delete + recreate, and Kubernetes ConfigMap `..data`
 * symlink swaps. Every event only schedules a (debounced) re-read; the content hash decides whether anything
 * changed, so duplicate or spurious events cost one read.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { watch } from 'chokidar';
import { md5 } from '../config/load.js';

export interface WatchHandlers {
  debounceMs: number;
  onChange(change: { text: string; hash: string }): void;
  onMissing(): void;
  onError(err: Error): void;
}

export interface FileWatcher {
  /** Resolves once the watcher is armed: changes after this are seen. */
  readonly ready: Promise<void>;
  /** The hash of the content already applied, so re-reading it is not reported as a change. */
  setKnownHash(hash: string): void;
  close(): Promise<void>;
}

export function watchFile(file: string, h: WatchHandlers): FileWatcher {
  const path = resolve(file);
  const dir = dirname(path);
  const name = basename(path);
  let known: string | null = null;
  let missing = false;
  let timer: NodeJS.Timeout | null = null;
  let settleTimer: NodeJS.Timeout | null = null;
  let closed = false;
  let reading = false;
  let again = false;

  const watcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    // ConfigMaps swap a `..data` symlink; following it would watch the old target directory.
    followSymlinks: false,
    ignored: (p: string) => p !== dir && !relevant(basename(p)),
  });

  function relevant(entry: string): boolean {
    return entry === name || entry === '..data' || entry.startsWith('..');
  }

  async function check(): Promise<void> {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
            if (!missing) {
              missing = true;
              h.onMissing();
            }
          } else h.onError(err as Error);
          continue;
        }
        missing = false;
        const hash = md5(text);
        if (hash === known) continue;
        known = hash;
        if (!closed) h.onChange({ text, hash });
        // The watcher may coalesce the events of a burst of writes; one more read after things settle makes
        // sure the last write is the one applied.
        settleTimer ??= setTimeout(() => {
          settleTimer = null;
          void check();
        }, h.debounceMs * 3);
      } while (again && !closed);
    } finally {
      reading = false;
    }
  }

  function schedule(): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void check();
    }, h.debounceMs);
  }

  watcher.on('all', schedule);
  watcher.on('error', (err) => h.onError(err instanceof Error ? err : new Error(String(err))));
  const ready = new Promise<void>((res) => watcher.once('ready', () => res()));

  return {
    ready,
    setKnownHash(hash) {
      known = hash;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (settleTimer) clearTimeout(settleTimer);
      await watcher.close();
    },
  };
}
