import type { Algorithm, SlotStats } from './algorithm.js';

/**
 * Least-connections (Kong: least_connections.lua): the usable target with the lowest
 * (tries in flight + 1) / weight. Ties rotate so equal targets share the load instead of the first taking it.
 */
export function createLeastConnections(stats: readonly SlotStats[]): Algorithm {
  let offset = 0;
  return {
    pick(usable) {
      const n = stats.length;
      let best = -1;
      let bestScore = Infinity;
      offset = (offset + 1) % Math.max(1, n);
      for (let k = 0; k < n; k++) {
        const i = (offset + k) % n;
        const s = stats[i]!;
        if (s.weight <= 0 || !usable(i)) continue;
        const score = (s.inflight + 1) / s.weight;
        if (score < bestScore) {
          best = i;
          bestScore = score;
        }
      }
      return best;
    },
  };
}
