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
  /** Whether a worker is up (it is let go when idle; for tests and the bench). */
  readonly running: boolean;
}

/** A load that takes longer is abandoned (the worker is replaced) and reported as an error. */
const LOAD_TIMEOUT_MS = 60_000;
/** Small files load inline: a worker round trip costs more than parsing them. */
const INLINE_BELOW_BYTES = 64 * 1024;
/**
 * A worker idle this long is let go: its modules (every plugin's, for their schemas) and heap hold 70-90 MB of
 * the process's RSS (bench:reload, 10 000 routes), and a config file is saved rarely, usually in bursts. The next
 * load starts a new worker, which costs that load about a second more, still off the event loop.
 */
const IDLE_EXIT_MS = 10_000;

export interface LoadRequest {
  readonly id: number;
  readonly text: string;
  readonly filename: string;
  /** The load whose entities the main thread holds (0: none); the worker does not send entities with its keys. */
  readonly base: number;
}

/** Collection name, then content key: how both sides file an entity. */
export const entityId = (name: string, key: string) => `${name}|${key}`;

interface Waiting {
  readonly resolve: (r: LoadResult) => void;
  readonly timer: NodeJS.Timeout;
  readonly text: string;
  readonly filename: string;
}

export function createConfigLoader(opts: { inlineBelowBytes?: number; idleExitMs?: number } = {}): ConfigLoader {
  const inlineBelow = opts.inlineBelowBytes ?? INLINE_BELOW_BYTES;
  const idleExitMs = opts.idleExitMs ?? IDLE_EXIT_MS;
  let worker: Worker | null = null;
  let idle: NodeJS.Timeout | null = null;
  let seq = 0;
  const waiting = new Map<number, Waiting>();
  /**
   * The entities of the last result the worker delivered, by entityId: the worker sends only the others. They
   * are the objects the compile took (it freezes them in place, or takes its own for the same key), so holding
   * them here costs a map, not a copy.
   */
  let held: { id: number; entities: Map<string, object> } | null = null;

  function failAll(message: string): void {
    for (const [id, w] of waiting) {
      clearTimeout(w.timer);
      w.resolve({ ok: false, errors: [{ path: '', message }] });
      waiting.delete(id);
    }
  }

  /**
   * Lets the worker go without a word from it: its loads are answered by the caller, and one started after this
   * goes to a new worker (so the old one's exit must not fail those).
   */
  function retire(): void {
    const w = worker;
    worker = null;
    held = null;
    if (idle !== null) clearTimeout(idle);
    idle = null;
    if (w === null) return;
    w.removeAllListeners();
    w.on('error', () => {});
    void w.terminate();
  }

  function idleSoon(): void {
    if (waiting.size > 0 || worker === null) return;
    if (idle !== null) clearTimeout(idle);
    idle = setTimeout(retire, idleExitMs);
    idle.unref();
  }

  function send(id: number, w: Waiting, base: number): void {
    const request: LoadRequest = { id, text: w.text, filename: w.filename, base };
    getWorker().postMessage(request);
  }

  /**
   * The result's entities: those sent, and the held ones for the keys the worker left out (filed by entityId for
   * the next result). Null when the two sides disagree on what is held.
   */
  function assemble(config: LoadedConfig, base: number, parts: Record<string, unknown[]>): { config: LoadedConfig; filed: Map<string, object> } | null {
    if (base !== 0 && held?.id !== base) return null;
    const from = base === 0 ? null : held!.entities;
    const keys = config.keys ?? {};
    const entities: Record<string, unknown[]> = {};
    const filed = new Map<string, object>();
    for (const name of Object.keys(config.entities)) {
      const sent = parts[name] ?? [];
      const listKeys = keys[name] ?? [];
      const list: unknown[] = new Array(listKeys.length);
      let next = 0;
      for (let i = 0; i < listKeys.length; i++) {
        const id = entityId(name, listKeys[i]!);
        const entity = from?.get(id) ?? (sent[next++] as object | undefined);
        if (entity === undefined) return null;
        list[i] = entity;
        filed.set(id, entity);
      }
      if (next !== sent.length) return null;
      entities[name] = list;
    }
    return { config: { ...config, entities: entities as unknown as LoadedConfig['entities'] }, filed };
  }

  function getWorker(): Worker {
    if (worker) return worker;
    // Under the test runner the sources are .ts; built, they are .js.
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const w = new Worker(new URL(`./load-worker-main.${ext}`, import.meta.url));
    w.unref();
    // A new worker has sent nothing yet: it sends every entity.
    held = null;
    // Entities arrive in parts (load-worker-main.ts), then the result they belong to.
    const parts = new Map<number, Record<string, unknown[]>>();
    w.on('message', (m: { id: number; part?: { name: string; items: unknown[] }; result?: LoadResult; base?: number }) => {
      if (m.part !== undefined) {
        const got = parts.get(m.id) ?? {};
        parts.set(m.id, got);
        (got[m.part.name] ??= []).push(...m.part.items);
        return;
      }
      const sent = parts.get(m.id) ?? {};
      parts.delete(m.id);
      const entry = waiting.get(m.id);
      if (!entry || m.result === undefined) return;
      const r = m.result;
      if (!r.ok) {
        waiting.delete(m.id);
        clearTimeout(entry.timer);
        entry.resolve(r);
        return idleSoon();
      }
      // Not frozen here (600 ms in one go for 10 000 routes): the compile takes unchanged entities as the frozen
      // objects the serving snapshot holds and freezes the rest in slices (src/snapshot/intern.ts).
      const got = assemble(r.config, m.base ?? 0, sent);
      // Sent against entities no longer held (two loads crossed): asked again, in full.
      if (got === null) return send(m.id, entry, 0);
      waiting.delete(m.id);
      clearTimeout(entry.timer);
      held = { id: m.id, entities: got.filed };
      entry.resolve({ ok: true, config: got.config });
      idleSoon();
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
      if (idle !== null) clearTimeout(idle);
      idle = null;
      return new Promise((resolve) => {
        const id = ++seq;
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve({ ok: false, errors: [{ path: '', message: `loading took longer than ${LOAD_TIMEOUT_MS / 1000} s` }] });
          // The loads queued behind it in that worker fail now rather than at their own timeouts.
          retire();
          failAll('config loader restarted: a load before this one took too long');
        }, LOAD_TIMEOUT_MS);
        const entry = { resolve, timer, text, filename };
        waiting.set(id, entry);
        // Read before getWorker(), which forgets what a replaced worker sent.
        const base = worker === null ? 0 : (held?.id ?? 0);
        send(id, entry, base);
      });
    },
    async close() {
      failAll('config loader closed');
      if (idle !== null) clearTimeout(idle);
      idle = null;
      const w = worker;
      worker = null;
      await w?.terminate();
    },
    get running() {
      return worker !== null;
    },
  };
}
