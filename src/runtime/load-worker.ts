/**
 * Config loading off the proxy's event loop: YAML parsing of a large file takes hundreds of milliseconds
 * (measured ~0.7 s for 10 000 routes), which would stall every in-flight request. One worker thread does the
 * pure pipeline; the main thread only compiles the result (in slices, freezing what changed).
 */
import { Worker } from 'node:worker_threads';
import { loadConfigText } from '../config/load.js';
import type { LoadedConfig, LoadResult } from '../config/types.js';

export interface ConfigLoader {
  load(text: string, filename: string): Promise<LoadResult>;
  close(): Promise<void>;
}

/** A load that takes longer is abandoned (the worker is replaced) and reported as an error. */
const LOAD_TIMEOUT_MS = 60_000;
/** Small files load inline: a worker round trip costs more than parsing them. */
const INLINE_BELOW_BYTES = 64 * 1024;

export function createConfigLoader(opts: { inlineBelowBytes?: number } = {}): ConfigLoader {
  const inlineBelow = opts.inlineBelowBytes ?? INLINE_BELOW_BYTES;
  let worker: Worker | null = null;
  let seq = 0;
  const waiting = new Map<number, { resolve: (r: LoadResult) => void; timer: NodeJS.Timeout }>();

  function failAll(message: string): void {
    for (const [id, w] of waiting) {
      clearTimeout(w.timer);
      w.resolve({ ok: false, errors: [{ path: '', message }] });
      waiting.delete(id);
    }
  }

  function getWorker(): Worker {
    if (worker) return worker;
    // Under the test runner the sources are .ts; built, they are .js.
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const w = new Worker(new URL(`./load-worker-main.${ext}`, import.meta.url));
    w.unref();
    // Entities arrive in parts (load-worker-main.ts), then the result they belong to.
    const parts = new Map<number, Record<string, unknown[]>>();
    w.on('message', (m: { id: number; part?: { name: string; items: unknown[] }; result?: LoadResult }) => {
      if (m.part !== undefined) {
        const got = parts.get(m.id) ?? {};
        parts.set(m.id, got);
        (got[m.part.name] ??= []).push(...m.part.items);
        return;
      }
      const entities = parts.get(m.id) ?? {};
      parts.delete(m.id);
      const entry = waiting.get(m.id);
      if (!entry || m.result === undefined) return;
      waiting.delete(m.id);
      clearTimeout(entry.timer);
      // Not frozen here (600 ms in one go for 10 000 routes): the compile takes unchanged entities as the frozen
      // objects the serving snapshot holds and freezes the rest in slices (src/snapshot/intern.ts).
      const r = m.result;
      if (!r.ok) return entry.resolve(r);
      // The result names every collection (empty ones have no part).
      for (const name of Object.keys(r.config.entities)) entities[name] ??= [];
      entry.resolve({ ok: true, config: { ...r.config, entities: entities as unknown as LoadedConfig['entities'] } });
    });
    w.on('error', (err) => {
      worker = null;
      failAll(`config loader crashed: ${err.message}`);
    });
    w.on('exit', () => {
      if (worker === w) worker = null;
      failAll('config loader exited');
    });
    worker = w;
    return w;
  }

  return {
    load(text, filename) {
      if (Buffer.byteLength(text) < inlineBelow) return Promise.resolve(loadConfigText(text, filename));
      return new Promise((resolve) => {
        const id = ++seq;
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve({ ok: false, errors: [{ path: '', message: `loading took longer than ${LOAD_TIMEOUT_MS / 1000} s` }] });
          void worker?.terminate();
          worker = null;
        }, LOAD_TIMEOUT_MS);
        waiting.set(id, { resolve, timer });
        getWorker().postMessage({ id, text, filename });
      });
    },
    async close() {
      failAll('config loader closed');
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
