/**
 * The ways editors, scripts and orchestrators save a config file, each writing the new text in pieces 10–60 ms
 * apart (a script's `echo … >> file`, an editor flushing its buffer, a slow disk), so every state a reader can
 * catch in between is a real one: a prefix of the new file, the new file's start over the old file's end, no
 * file at all. Layouts are made before the gateway starts; `save` then replaces the config in its pattern.
 */
import { mkdir, open, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export type Layout = 'plain' | 'symlink' | 'configmap';

export interface SaveTarget {
  readonly dir: string;
  /** The path the gateway watches. */
  readonly file: string;
  /** Saves so far (names versions for the symlink layouts). */
  saves: number;
}

export interface SavePattern {
  readonly name: string;
  readonly layout: Layout;
  /** Resolves once the whole text is in place; returns the longest pause measured between two pieces. */
  save(target: SaveTarget, text: string, pieces: Pieces): Promise<number>;
}

export interface Pieces {
  readonly count: [min: number, max: number];
  readonly gapMs: [min: number, max: number];
}

export const PIECES: Pieces = { count: [2, 4], gapMs: [10, 60] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = ([lo, hi]: readonly [number, number]) => lo + Math.floor(Math.random() * (hi - lo + 1));

/** Cuts at line ends, so most prefixes are valid YAML: the case that used to get served. */
export function splitPieces(text: string, count: number): string[] {
  const ends = [...text.matchAll(/\n/g)].map((m) => m.index + 1).filter((i) => i < text.length);
  const cuts = new Set<number>();
  while (cuts.size < Math.min(count - 1, ends.length)) cuts.add(ends[Math.floor(Math.random() * ends.length)]!);
  const at = [0, ...[...cuts].sort((a, b) => a - b), text.length];
  return at.slice(1).map((end, i) => text.slice(at[i], end));
}

/** Writes `text` into `path` from its start, piece by piece; returns the longest measured gap. */
async function writePieces(path: string, flags: 'w' | 'r+', text: string, p: Pieces): Promise<number> {
  const fh = await open(path, flags);
  let longest = 0;
  try {
    let offset = 0;
    let last = 0;
    for (const [i, piece] of splitPieces(text, between(p.count)).entries()) {
      if (i > 0) {
        await sleep(between(p.gapMs));
        longest = Math.max(longest, performance.now() - last);
      }
      const bytes = Buffer.from(piece);
      await fh.write(bytes, 0, bytes.length, offset);
      offset += bytes.length;
      last = performance.now();
    }
    // In place over a longer old file: its tail goes last, as `dd conv=notrunc` then `truncate` would leave it.
    if (flags === 'r+') await fh.truncate(offset);
  } finally {
    await fh.close();
  }
  return longest;
}

/** Makes `file` as the layout needs it, holding `text`. */
export async function layOut(layout: Layout, dir: string, text: string): Promise<SaveTarget> {
  const file = join(dir, 'kong.yaml');
  if (layout === 'plain') await writeFile(file, text);
  else if (layout === 'symlink') {
    await writeFile(join(dir, 'kong-0.yaml'), text);
    await symlink('kong-0.yaml', file);
  } else {
    // Kubernetes ConfigMap volume: kong.yaml -> ..data/kong.yaml, ..data -> ..v0 (kubelet's AtomicWriter).
    await mkdir(join(dir, '..v0'));
    await writeFile(join(dir, '..v0', 'kong.yaml'), text);
    await symlink('..v0', join(dir, '..data'));
    await symlink(join('..data', 'kong.yaml'), file);
  }
  return { dir, file, saves: 0 };
}

export const SAVE_PATTERNS: readonly SavePattern[] = [
  {
    name: 'in place, overwritten in pieces (no truncate until the end)',
    layout: 'plain',
    save: (t, text, p) => writePieces(t.file, 'r+', text, p),
  },
  {
    name: 'truncate, then write in pieces',
    layout: 'plain',
    save: (t, text, p) => writePieces(t.file, 'w', text, p),
  },
  {
    name: 'rename over (temp file written in pieces)',
    layout: 'plain',
    async save(t, text, p) {
      const tmp = join(t.dir, `.kong.yaml.${++t.saves}.tmp`);
      const gap = await writePieces(tmp, 'w', text, p);
      await rename(tmp, t.file);
      return gap;
    },
  },
  {
    name: 'delete, then recreate in pieces',
    layout: 'plain',
    async save(t, text, p) {
      await unlink(t.file);
      await sleep(between(p.gapMs));
      return writePieces(t.file, 'w', text, p);
    },
  },
  {
    name: 'symlink swap (new target written in pieces)',
    layout: 'symlink',
    async save(t, text, p) {
      const n = ++t.saves;
      const gap = await writePieces(join(t.dir, `kong-${n}.yaml`), 'w', text, p);
      await symlink(`kong-${n}.yaml`, join(t.dir, 'kong.yaml.lnk'));
      await rename(join(t.dir, 'kong.yaml.lnk'), t.file);
      return gap;
    },
  },
  {
    name: 'Kubernetes ConfigMap ..data swap',
    layout: 'configmap',
    async save(t, text, p) {
      const n = ++t.saves;
      await mkdir(join(t.dir, `..v${n}`));
      const gap = await writePieces(join(t.dir, `..v${n}`, 'kong.yaml'), 'w', text, p);
      await symlink(`..v${n}`, join(t.dir, '..data_tmp'));
      await rename(join(t.dir, '..data_tmp'), join(t.dir, '..data'));
      // kubelet removes the old version once ..data points at the new one.
      await rm(join(t.dir, `..v${n - 1}`), { recursive: true, force: true });
      return gap;
    },
  },
];

export interface Writer {
  /** Resolves once the thread has loaded its code (so the first save is not slowed by it). */
  readonly ready: Promise<void>;
  /** Saves `text` to `target` in `pattern`; resolves with the longest pause between pieces. */
  save(pattern: SavePattern, target: SaveTarget, text: string, pieces?: Pieces): Promise<number>;
  close(): Promise<void>;
}

/** A writer on its own thread (save-writer.ts). */
export function startWriter(): Writer {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const worker = new Worker(new URL(`./save-writer.${ext}`, import.meta.url));
  let seq = 0;
  const waiting = new Map<number, { resolve(gap: number): void; reject(err: Error): void; target: SaveTarget }>();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  worker.on('message', (m: { id: number; gap?: number; saves?: number; error?: string }) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error !== undefined) return w.reject(new Error(m.error));
    w.target.saves = m.saves!;
    w.resolve(m.gap!);
  });
  worker.on('error', (err) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  });
  return {
    ready,
    save(pattern, target, text, pieces = PIECES) {
      return new Promise((resolve, reject) => {
        const id = ++seq;
        waiting.set(id, { resolve, reject, target });
        worker.postMessage({ id, pattern: pattern.name, target: { ...target }, text, pieces });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
