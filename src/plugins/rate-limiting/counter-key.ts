import { createHash } from 'node:crypto';
import { PERIODS, type Period, type WindowStarts } from './windows.js';

/**
 * The keys one plugin instance counts a request under, one per configured period, each naming the window it
 * is in: a new window is a new key. Built for the request path: the instance's part is made once, each
 * period's window part once per window, so a request only joins its identifier in. The identifier sits
 * between the two, and the window part has a fixed form, so two identifiers never share a key.
 */
export class CounterKeys {
  #starts: WindowStarts | null = null;
  #suffixes: string[] = [];

  private constructor(
    private readonly prefix: string,
    private readonly periods: readonly Period[],
    private readonly suffix: (start: number, period: Period) => string,
  ) {}

  /**
   * Kong's layout, `ratelimit:<route>:<service>:<identifier>:<window start>:<period>` (policies/init.lua), so
   * sluice and Kong nodes pointed at one Redis count together.
   */
  static kong(routeId: string, serviceId: string, periods: readonly Period[]): CounterKeys {
    return new CounterKeys(`ratelimit:${routeId}:${serviceId}:`, periods, (start, period) => `:${start}:${period}`);
  }

  /**
   * For the gateway's own dictionary, where only sluice reads them: the same parts, shorter (a 72-bit digest of
   * route and service, the period's place in PERIODS, the window in base-36 seconds), because every request hashes its
   * keys and Kong's are 110 characters long. The digest is of the ids, so every snapshot's instance of the same
   * plugin on the same route and service counts in the same keys.
   */
  static local(routeId: string, serviceId: string, periods: readonly Period[]): CounterKeys {
    const scope = createHash('sha256').update(`${routeId}:${serviceId}`).digest('base64url').slice(0, 12);
    return new CounterKeys(scope, periods, (start, period) => `|${PERIODS.indexOf(period)}${(start / 1000).toString(36)}`);
  }

  /** One key per period, in the periods' order. `starts` is windowStarts' answer (the same object all second). */
  keys(identifier: string, starts: WindowStarts): string[] {
    if (starts !== this.#starts) {
      this.#starts = starts;
      this.#suffixes = this.periods.map((p) => this.suffix(starts[p], p));
    }
    const keys: string[] = [];
    for (let i = 0; i < this.#suffixes.length; i++) keys.push(this.prefix + identifier + this.#suffixes[i]!);
    return keys;
  }
}
