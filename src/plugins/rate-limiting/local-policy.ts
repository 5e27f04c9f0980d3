import type { Logger } from '../../log/logger.js';
import { isPending, type Maybe, type SharedDict } from '../../shared-dict/shared-dict.js';
import { EXPIRATION, type Period } from './windows.js';

/**
 * Policy `local`: the counters live in the gateway's `kong_rate_limiting_counters` dictionary, one key per
 * period and window that expires with its window (Kong's local policy: `shm:incr(key, 1, 0, EXPIRATION[period])`).
 * The dictionary outlives reloads, so a new configuration goes on counting where the old one was.
 *
 * Kong reads the usage (`shm:get`) and counts the request once it is let through; here the request is counted
 * first and given back when refused, which leaves the same counts — refused requests do not count — for one
 * hash lookup per period instead of two on the common path. With the in-process dictionary it all happens in
 * one tick and is exact. With a dictionary in another process (workers) each step is a message: requests
 * counted at the same moment see each other, so a burst is refused a little early rather than let through late.
 */
export class LocalPolicy {
  constructor(
    private readonly dict: SharedDict,
    private readonly periods: readonly Period[],
    private readonly logger: Logger,
  ) {}

  /** Counts the request in every key; returns the usage before it, per key. */
  count(keys: readonly string[]): Maybe<number[]> {
    const used: number[] = [];
    let pending: Promise<unknown>[] | null = null;
    for (let i = 0; i < keys.length; i++) {
      const n = this.dict.incr(keys[i]!, 1, 0, EXPIRATION[this.periods[i]!]);
      if (isPending(n)) {
        used.push(0);
        (pending ??= []).push(n.then((v) => (used[i] = v - 1)));
      } else used.push(n - 1);
    }
    return pending === null ? used : Promise.all(pending).then(() => used);
  }

  /** The request was refused: it no longer counts (Kong never counted it). Not waited for. */
  giveBack(keys: readonly string[]): void {
    for (let i = 0; i < keys.length; i++) {
      const n = this.dict.incr(keys[i]!, -1, 0, EXPIRATION[this.periods[i]!]);
      if (isPending(n)) n.catch(this.lost);
    }
  }

  private readonly lost = (err: Error): void => {
    this.logger.error('failed to give back a rate-limiting count', { error: err.message });
  };
}
