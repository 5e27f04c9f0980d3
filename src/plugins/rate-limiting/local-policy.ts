import type { Logger } from '../../log/logger.js';
import { isPending, type Maybe, type SharedDict } from '../../shared-dict/shared-dict.js';
import { EXPIRATION, type Period } from './windows.js';

/**
 * Policy `local`: the counters live in the gateway's `kong_rate_limiting_counters` dictionary, one key per
 * period and window that expires with its window (Kong's local policy: `shm:get` for the usage, then
 * `shm:incr(key, 1, 0, EXPIRATION[period])` once the request is let through, so refused requests do not count).
 * The dictionary outlives reloads, so a new configuration goes on counting where the old one was.
 *
 * With the in-process dictionary everything is synchronous and exact: the read and the count happen in one
 * tick. With a dictionary in another process (workers) both become messages, and requests that arrive while a
 * count is on its way may all be let through, as Kong's workers can between their get and incr.
 */
export class LocalPolicy {
  constructor(
    private readonly dict: SharedDict,
    private readonly periods: readonly Period[],
    private readonly logger: Logger,
  ) {}

  /** Requests already counted in each key's window. */
  usage(keys: readonly string[]): Maybe<number[]> {
    const used: number[] = [];
    let pending: Promise<unknown>[] | null = null;
    for (let i = 0; i < keys.length; i++) {
      const v = this.dict.get(keys[i]!);
      if (isPending(v)) {
        used.push(0);
        (pending ??= []).push(v.then((x) => (used[i] = typeof x === 'number' ? x : 0)));
      } else used.push(typeof v === 'number' ? v : 0);
    }
    return pending === null ? used : Promise.all(pending).then(() => used);
  }

  /** Counts one request in every key; a count still on its way when the response goes is not waited for. */
  count(keys: readonly string[]): void {
    for (let i = 0; i < keys.length; i++) {
      const n = this.dict.incr(keys[i]!, 1, 0, EXPIRATION[this.periods[i]!]);
      if (isPending(n)) n.catch(this.lost);
    }
  }

  private readonly lost = (err: Error): void => {
    this.logger.error('failed to increment a rate-limiting counter', { error: err.message });
  };
}
