import type { Algorithm } from './algorithm.js';
import { xxhash32 } from './xxhash32.js';

/**
 * Ketama-style continuum (Kong: consistent_hashing.lua). Each target gets points in proportion to its weight
 * (160 per target at equal weights), placed at xxhash32("<host>::<port> <i>") modulo the ring size; a request
 * hashes onto the ring and walks down (wrapping) to the first usable target. Points depend only on the target
 * names and weights, so the mapping is stable across reloads, and adding a target moves only the keys that
 * land on its new points.
 */
export function createConsistentHashing(keys: readonly string[], weights: readonly number[], slots: number): Algorithm {
  // Kong: the ring has `slots` positions when 1000 ≤ slots, else 1000.
  const size = slots >= 1000 ? slots : 1000;
  let total = 0;
  let targets = 0;
  for (const w of weights) {
    if (w > 0) {
      total += w;
      targets++;
    }
  }
  // Every point of every target, in ring order; two points on one position go to the target whose name sorts
  // first, so a target's points never depend on which other targets exist (only who wins a shared position).
  const points: { at: number; owner: number }[] = [];
  for (let i = 0; i < keys.length; i++) {
    const w = weights[i]!;
    if (w <= 0) continue;
    const count = Math.max(1, Math.floor((w / total) * targets * 160));
    for (let n = 0; n < count; n++) points.push({ at: xxhash32(`${keys[i]!} ${n}`) % size, owner: i });
  }
  points.sort((a, b) => a.at - b.at || (keys[a.owner]! < keys[b.owner]! ? -1 : keys[a.owner]! > keys[b.owner]! ? 1 : 0));
  const positions: number[] = [];
  const owners: number[] = [];
  for (const p of points) {
    if (positions.length > 0 && positions[positions.length - 1] === p.at) continue;
    positions.push(p.at);
    owners.push(p.owner);
  }
  return {
    pick(usable, hash) {
      const n = positions.length;
      if (n === 0) return -1;
      const at = xxhash32(hash ?? '') % size;
      // The last position at or below `at`, wrapping to the top of the ring.
      let lo = 0;
      let hi = n - 1;
      let start = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (positions[mid]! <= at) {
          start = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let k = 0; k < n; k++) {
        const idx = owners[(start - k + n) % n]!;
        if (usable(idx)) return idx;
      }
      return -1;
    },
  };
}
