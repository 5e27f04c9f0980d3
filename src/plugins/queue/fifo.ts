/**
 * The queue's entries, oldest first. Taking from the front moves a head index instead of shifting the array
 * (a full queue drops its oldest entry on every request: `splice(0, 1)` on 10 000 entries would move them all
 * each time); the consumed front is cut off once it is most of the array, so memory follows what is queued.
 */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns up to `n` of the oldest entries. */
  take(n: number): T[] {
    const end = Math.min(this.#head + n, this.#items.length);
    const out = this.#items.slice(this.#head, end) as T[];
    this.#items.fill(undefined, this.#head, end); // the consumed slots must not keep their entries alive
    this.#head = end;
    this.#compact();
    return out;
  }

  /** Sums `f` over the entries queued now. */
  sum(f: (item: T) => number): number {
    let n = 0;
    for (let i = this.#head; i < this.#items.length; i++) n += f(this.#items[i] as T);
    return n;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }

  #compact(): void {
    if (this.#head === this.#items.length) this.clear();
    else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
