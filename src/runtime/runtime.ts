import type { ConfigError } from '../config/types.js';
import type { CompiledSnapshot } from '../snapshot/compile.js';
import { activateSnapshot, disposeSnapshot, type SnapshotResources } from '../snapshot/lifecycle.js';

export interface ReloadFailure {
  readonly time: string;
  readonly file: string;
  readonly errors: readonly ConfigError[];
}

/**
 * The one mutable cell: which Snapshot is current. A request acquires the snapshot it starts with and releases
 * it when done; a replaced snapshot is retired once its last request has finished (Envoy's drain).
 *
 * The cell also owns the snapshots' lifetimes: a snapshot is activated as it becomes current (it joins the
 * gateway's shared health checkers and DNS cache, src/snapshot/lifecycle.ts) and disposed when it is retired,
 * so a compiled snapshot that never becomes current never holds anything.
 */
export class SnapshotCell {
  #current: CompiledSnapshot;
  #inflight = new Map<CompiledSnapshot, number>();
  #retired = new Set<CompiledSnapshot>();
  #lastFailure: ReloadFailure | null = null;
  #closed = false;
  readonly #resources: SnapshotResources;
  readonly #onRetire: (s: CompiledSnapshot) => void;

  /** Activates `initial` (throws, holding nothing, when that fails). */
  constructor(initial: CompiledSnapshot, resources: SnapshotResources, onRetire: (s: CompiledSnapshot) => void = () => {}) {
    activateSnapshot(initial, resources);
    this.#current = initial;
    this.#resources = resources;
    this.#onRetire = onRetire;
  }

  get current(): CompiledSnapshot {
    return this.#current;
  }

  acquire(): CompiledSnapshot {
    const s = this.#current;
    this.#inflight.set(s, (this.#inflight.get(s) ?? 0) + 1);
    return s;
  }

  release(s: CompiledSnapshot): void {
    const n = (this.#inflight.get(s) ?? 1) - 1;
    if (n > 0) {
      this.#inflight.set(s, n);
      return;
    }
    this.#inflight.delete(s);
    if (this.#retired.delete(s)) this.#retire(s);
  }

  /**
   * Activates a compiled snapshot and makes it current; the old one is retired when its requests are done.
   * When activation throws, nothing has changed (the old snapshot keeps serving) and `next` holds nothing.
   */
  swap(next: CompiledSnapshot): CompiledSnapshot {
    if (this.#closed) throw new Error('the gateway is closed');
    activateSnapshot(next, this.#resources);
    const old = this.#current;
    this.#current = next;
    this.#lastFailure = null;
    if (this.#inflight.has(old)) this.#retired.add(old);
    else this.#retire(old);
    return old;
  }

  /** Gateway stop: the current snapshot and those still draining give back what they hold. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#retired) this.#retire(s);
    this.#retired.clear();
    this.#retire(this.#current);
  }

  #retire(s: CompiledSnapshot): void {
    disposeSnapshot(s);
    this.#onRetire(s);
  }

  recordFailure(f: ReloadFailure): void {
    this.#lastFailure = f;
  }

  get lastFailure(): ReloadFailure | null {
    return this.#lastFailure;
  }

  /** Snapshots replaced but still serving requests (for tests and the status endpoint). */
  get draining(): number {
    return this.#retired.size;
  }
}
