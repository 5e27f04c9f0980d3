import type { SharedDict, SharedValue } from './shared-dict.js';

/** One key: its value and expiry, linked into the recency list (most recently used at the head). */
interface Entry {
  readonly key: string;
  value: SharedValue;
  /** Clock time (ms) the key expires at; 0 = never. */
  expiresAt: number;
  prev: Entry | null;
  next: Entry | null;
}

export interface MemoryDictOptions {
  /** Keys held at most; a new key beyond it evicts (expired keys first, then the least recently used). */
  readonly capacity: number;
  /** Milliseconds; tests pass their own. By default the wall clock, read once per turn of the event loop. */
  readonly clock?: () => number;
}

/**
 * nginx's cached time (ngx.now): the wall clock read at most once per turn of the event loop, so the
 * operations of one request (a read and a count per period) cost one clock read between them. The reading
 * goes stale in a microtask, so nothing is left pending once the turn is over.
 */
function turnClock(): () => number {
  let now = 0;
  let fresh = false;
  const stale = () => {
    fresh = false;
  };
  return () => {
    if (!fresh) {
      now = Date.now();
      fresh = true;
      queueMicrotask(stale);
    }
    return now;
  };
}

/**
 * A shared dictionary in this process, as nginx's shdict keeps one: a hash of entries threaded on a recency
 * list. Every read or write moves its key to the head; a new key first drops up to two expired keys from the
 * tail (nginx does this on every write, so expired keys do not pile up without a timer), then, when still
 * full, the tail itself. Nothing here runs on its own — no timer, no socket — so dropping the object is all
 * closing takes. An operation costs a hash lookup and a few pointer writes; `incr` on an existing key allocates
 * nothing.
 */
export class MemoryDict implements SharedDict {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: () => number;
  /** Most recently used end; `#tail` is the least recently used. */
  #head: Entry | null = null;
  #tail: Entry | null = null;
  #evicted = 0;
  readonly capacity: number;

  constructor(opts: MemoryDictOptions) {
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1) throw new Error(`capacity must be a positive integer: ${opts.capacity}`);
    this.capacity = opts.capacity;
    this.#clock = opts.clock ?? turnClock();
  }

  /** Keys held, expired ones not yet dropped included (as nginx's). */
  get size(): number {
    return this.#entries.size;
  }

  /** Live keys pushed out to make room since the dictionary was made (Kong logs these as forcible sets). */
  get evicted(): number {
    return this.#evicted;
  }

  get(key: string): SharedValue | undefined {
    const e = this.#live(key);
    if (e === undefined) return undefined;
    this.#touch(e);
    return e.value;
  }

  set(key: string, value: SharedValue, ttlSeconds = 0): void {
    const e = this.#entries.get(key);
    if (e === undefined) {
      this.#insert(key, value, ttlSeconds);
      return;
    }
    e.value = value;
    e.expiresAt = this.#expiry(ttlSeconds);
    this.#touch(e);
  }

  incr(key: string, by: number, init = 0, initTtlSeconds = 0): number {
    const e = this.#live(key);
    if (e === undefined) return this.#insert(key, init + by, initTtlSeconds).value as number;
    if (typeof e.value !== 'number') throw new TypeError(`shared dictionary value of '${key}' is not a number`);
    e.value += by;
    this.#touch(e);
    return e.value;
  }

  delete(key: string): void {
    const e = this.#entries.get(key);
    if (e !== undefined) this.#remove(e);
  }

  /** Drops every key (Kong's flush_all, then flush_expired). */
  clear(): void {
    this.#entries.clear();
    this.#head = this.#tail = null;
  }

  /** The entry when present and not expired; an expired one is dropped on the way. */
  #live(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt !== 0 && e.expiresAt <= this.#clock()) {
      this.#remove(e);
      return undefined;
    }
    return e;
  }

  #expiry(ttlSeconds: number): number {
    return ttlSeconds > 0 ? this.#clock() + ttlSeconds * 1000 : 0;
  }

  #insert(key: string, value: SharedValue, ttlSeconds: number): Entry {
    this.#dropExpiredTail(2);
    if (this.#entries.size >= this.capacity) {
      // Full of live keys: the least recently used one goes (nginx's forcible set).
      this.#remove(this.#tail!);
      this.#evicted++;
    }
    const e: Entry = { key, value, expiresAt: this.#expiry(ttlSeconds), prev: null, next: this.#head };
    if (this.#head !== null) this.#head.prev = e;
    else this.#tail = e;
    this.#head = e;
    this.#entries.set(key, e);
    return e;
  }

  #dropExpiredTail(max: number): void {
    if (this.#tail === null || this.#tail.expiresAt === 0) return;
    const now = this.#clock();
    for (let n = 0; n < max; n++) {
      const t = this.#tail;
      if (t === null || t.expiresAt === 0 || t.expiresAt > now) return;
      this.#remove(t);
    }
  }

  #touch(e: Entry): void {
    if (e === this.#head) return;
    // Unlink (e is not the head, so it has a prev)…
    e.prev!.next = e.next;
    if (e.next !== null) e.next.prev = e.prev;
    else this.#tail = e.prev;
    // …and put it first.
    e.prev = null;
    e.next = this.#head;
    this.#head!.prev = e;
    this.#head = e;
  }

  #remove(e: Entry): void {
    this.#entries.delete(e.key);
    if (e.prev !== null) e.prev.next = e.next;
    else this.#head = e.next;
    if (e.next !== null) e.next.prev = e.prev;
    else this.#tail = e.prev;
    e.prev = e.next = null;
  }
}
