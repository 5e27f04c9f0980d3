import type { Algorithm } from './algorithm.js';

/**
 * Smooth weighted round-robin (nginx's algorithm): over any window of sum(weights) picks each slot is chosen
 * exactly `weight` times, interleaved rather than in bursts. Only usable slots take part in a round, so an
 * unhealthy or already-tried target's share goes to the others. Weight-0 slots never receive traffic (Kong).
 * Kong shuffles a wheel instead; the long-run shares are the same.
 */
export function createRoundRobin(weights: readonly number[]): Algorithm {
  const current = new Float64Array(weights.length);
  return {
    pick(usable) {
      let best = -1;
      let total = 0;
      for (let i = 0; i < weights.length; i++) {
        const w = weights[i]!;
        if (w <= 0 || !usable(i)) continue;
        current[i]! += w;
        total += w;
        if (best < 0 || current[i]! > current[best]!) best = i;
      }
      if (best >= 0) current[best]! -= total;
      return best;
    },
  };
}
