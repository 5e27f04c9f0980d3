/**
 * Watches one config file through its directory, so every way editors and orchestrators replace a file is
 * seen: in-place writes, atomic rename-over saves, delete + recreate, and Kubernetes ConfigMap `..data`
 * symlink swaps. An event never loads anything by itself: it starts looks at the file, and content is handed
 * on only once the file has been quiet for the debounce window, i.e. two looks one window apart see the same
 * inode, size, mtime, ctime and content hash (for a symlink, those of its target). A file written in pieces (truncate,
 * then write; a script appending; an editor flushing its buffer) is therefore never loaded half-written, as
 * long as its pieces come less than a window apart. The content hash decides whether anything changed, so
 * duplicate or spurious events cost a couple of reads.
 */
import type { BigIntStats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
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

/** What one look saw: the file (its identity and content), no file, or a file that changed while it was read. */
type Look = { kind: 'file'; id: string; text: string; hash: string } | { kind: 'missing' } | { kind: 'moving' };

/**
 * chokidar drops a file's `change` events for 50 ms after one it reported (index.js `_throttle`), so a write
 * may come unannounced up to that long after an event: a look that finds the file changed is followed by
 * another one just after that, rather than a whole window later, and the window is never shorter.
 */
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;
const RECHECK_MS = CHOKIDAR_CHANGE_THROTTLE_MS + 5;
/**
 * The first look only starts the quiet window (it never loads), so it comes soon after an event: a save is
 * loaded about one window after its last write. The short delay gathers the events of one rename or link swap.
 */
const FIRST_LOOK_MS = 5;

function identity(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** stat, read, stat: a file replaced or written to during the read is `moving`, never a torn text. */
async function look(path: string): Promise<Look> {
  try {
    const before = await stat(path, { bigint: true });
    const text = await readFile(path, 'utf8');
    const after = await stat(path, { bigint: true });
    const id = identity(before);
    if (id !== identity(after)) return { kind: 'moving' };
    return { kind: 'file', id, text, hash: md5(text) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
}

function same(a: Look, b: Look): boolean {
  if (a.kind === 'file' && b.kind === 'file') return a.id === b.id && a.hash === b.hash;
  return a.kind === 'missing' && b.kind === 'missing';
}

export function watchFile(file: string, h: WatchHandlers): FileWatcher {
  const path = resolve(file);
  const dir = dirname(path);
  const name = basename(path);
  const quietMs = Math.max(h.debounceMs, RECHECK_MS + 5);
  let known: string | null = null;
  let missing = false;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let looking = false;
  /** An event arrived while a look was under way: look again as soon as it ends. */
  let stirred = false;
  /** The look the quiet window runs from, and when it ended; null when no cycle is under way. */
  let previous: { seen: Look; endedAt: number } | null = null;

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

  function arm(ms: number): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void step();
    }, ms);
  }

  /**
   * An event prompts a look soon; the window restarts only if that look finds the file changed. chokidar reports
   * some events late (a directory re-read is throttled to once a second) and drops others (see
   * CHOKIDAR_CHANGE_THROTTLE_MS), so an event means "look", never "quiet since": the looks decide.
   */
  function onEvent(): void {
    if (looking) stirred = true;
    else arm(FIRST_LOOK_MS);
  }

  async function step(): Promise<void> {
    looking = true;
    stirred = false;
    const startedAt = performance.now();
    let seen: Look;
    try {
      seen = await look(path);
    } catch (err) {
      previous = null;
      h.onError(err as Error);
      return;
    } finally {
      looking = false;
    }
    if (closed) return;
    if (seen.kind === 'moving' || previous === null || !same(previous.seen, seen)) {
      previous = seen.kind === 'moving' ? null : { seen, endedAt: performance.now() };
      arm(stirred ? FIRST_LOOK_MS : RECHECK_MS);
      return;
    }
    const quietFor = startedAt - previous.endedAt;
    if (quietFor < quietMs) {
      arm(stirred ? FIRST_LOOK_MS : quietMs - quietFor);
      return;
    }
    previous = null;
    settled(seen);
    // An event during this last look may stand for a write after it.
    if (stirred) arm(FIRST_LOOK_MS);
  }

  function settled(seen: Look): void {
    if (seen.kind !== 'file') {
      if (!missing) {
        missing = true;
        h.onMissing();
      }
      return;
    }
    missing = false;
    if (seen.hash === known) return;
    known = seen.hash;
    h.onChange({ text: seen.text, hash: seen.hash });
  }

  watcher.on('all', onEvent);
  watcher.on('error', (err) => h.onError(err instanceof Error ? err : new Error(String(err))));
  // The file was read before the watcher existed, and chokidar sees nothing until it is armed: one look then, so a
  // save made in between (an edit just after `sluice start`) is loaded instead of waiting for the next save.
  const ready = new Promise<void>((res) =>
    watcher.once('ready', () => {
      res();
      onEvent();
    }),
  );

  return {
    ready,
    setKnownHash(hash) {
      known = hash;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
