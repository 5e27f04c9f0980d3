import { PERIODS, type Period, type WindowStarts } from './windows.js';

interface Window {
  start: number;
  counts: Map<string, number>;
}

/**
 * In-process counters (policy `local`): per period, only the current window is kept; when a period's window
 * moves on, the old one is dropped whole, which is what Kong's expiring shm keys amount to. Exact within one
 * process because reading and incrementing happen in the same tick.
 */
export class LocalCounters {
  private readonly windows = new Map<Period, Window>();

  constructor() {
    for (const p of PERIODS) this.windows.set(p, { start: 0, counts: new Map() });
  }

  get(period: Period, starts: WindowStarts, key: string): number {
    return this.current(period, starts).counts.get(key) ?? 0;
  }

  increment(period: Period, starts: WindowStarts, key: string): void {
    const counts = this.current(period, starts).counts;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  /** Number of keys held, for tests and metrics. */
  size(): number {
    let n = 0;
    for (const w of this.windows.values()) n += w.counts.size;
    return n;
  }

  clear(): void {
    for (const w of this.windows.values()) w.counts.clear();
  }

  private current(period: Period, starts: WindowStarts): Window {
    const w = this.windows.get(period)!;
    const start = starts[period];
    if (w.start !== start) {
      // A new window (or the clock stepped back): the old counts no longer apply.
      w.start = start;
      w.counts = new Map();
    }
    return w;
  }
}
