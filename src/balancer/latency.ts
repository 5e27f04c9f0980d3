import type { Algorithm, SlotStats } from './algorithm.js';

// Kong (latency.lua): the moving average decays over 10 s.
const DECAY_MS = 10_000;

/** Folds one latency sample (ms) into a slot's exponentially weighted moving average. */
export function recordLatency(s: SlotStats, sampleMs: number, now: number): void {
  if (s.ewmaAt === 0) {
    s.ewma = sampleMs;
  } else {
    const w = Math.exp(-Math.max(0, now - s.ewmaAt) / DECAY_MS);
    s.ewma = s.ewma * w + sampleMs * (1 - w);
  }
  s.ewmaAt = now;
}

/**
 * Latency (Kong 3.x): power of two choices. Two random usable targets are drawn and the one with the lower
 * ewma / weight wins; a target never measured scores as the average of the measured ones, so it gets tried.
 */
export function createLatency(stats: readonly SlotStats[], random: () => number = Math.random): Algorithm {
  const score = (i: number, average: number) => {
    const s = stats[i]!;
    return (s.ewmaAt === 0 ? average : s.ewma) / s.weight;
  };
  return {
    pick(usable) {
      const candidates: number[] = [];
      let sum = 0;
      let measured = 0;
      for (let i = 0; i < stats.length; i++) {
        const s = stats[i]!;
        if (s.weight <= 0 || !usable(i)) continue;
        candidates.push(i);
        if (s.ewmaAt !== 0) {
          sum += s.ewma;
          measured++;
        }
      }
      if (candidates.length === 0) return -1;
      if (candidates.length === 1) return candidates[0]!;
      const average = measured > 0 ? sum / measured : 0;
      const a = Math.floor(random() * candidates.length);
      let b = Math.floor(random() * (candidates.length - 1));
      if (b >= a) b++;
      const ia = candidates[a]!;
      const ib = candidates[b]!;
      return score(ib, average) < score(ia, average) ? ib : ia;
    },
  };
}
