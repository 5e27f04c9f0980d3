import type { ConfigError } from '../config/types.js';
import type { CompiledSnapshot } from '../snapshot/compile.js';

export interface ReloadFailure {
  readonly time: string;
  readonly file: string;
  readonly errors: readonly ConfigError[];
}

/**
 * The one mutable cell: which Snapshot is current. A request acquires the snapshot it starts with and releases
 * it when done; a replaced snapshot is retired once its last request has finished (Envoy's drain).
 */
export class SnapshotCell {
  #current: CompiledSnapshot;
  #inflight = new Map<CompiledSnapshot, number>();
  #retired = new Set<CompiledSnapshot>();
  #lastFailure: ReloadFailure | null = null;
  readonly #onRetire: (s: CompiledSnapshot) => void;

  constructor(initial: CompiledSnapshot, onRetire: (s: CompiledSnapshot) => void = () => {}) {
    this.#current = initial;
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
    if (this.#retired.delete(s)) this.#onRetire(s);
  }

  /** Swaps in a fully compiled snapshot; the old one is retired when its requests are done. */
  swap(next: CompiledSnapshot): CompiledSnapshot {
    const old = this.#current;
    this.#current = next;
    this.#lastFailure = null;
    if (this.#inflight.has(old)) this.#retired.add(old);
    else this.#onRetire(old);
    return old;
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
