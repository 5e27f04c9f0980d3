import type { PeerAddress } from '../snapshot/proxy-plan.js';

export interface WeightedPeer extends PeerAddress {
  readonly weight: number;
}

/**
 * Smooth weighted round-robin (nginx's algorithm): over any window of sum(weights) picks each peer is chosen
 * exactly `weight` times, interleaved rather than in bursts. Weight-0 peers never receive traffic (Kong).
 * The mutable counters are the balancer's own state; they never leave this object.
 */
export function createRoundRobin(peers: readonly WeightedPeer[]): { pick(previous: PeerAddress | null): PeerAddress | null } {
  const live = peers.filter((p) => p.weight > 0);
  const current = new Float64Array(live.length);
  let total = 0;
  for (const p of live) total += p.weight;
  return {
    pick(previous) {
      let best = -1;
      for (let i = 0; i < live.length; i++) {
        const peer = live[i]!;
        current[i]! += peer.weight;
        // A retry moves to another target when there is one (Kong: the next slot of the wheel).
        if (previous !== null && live.length > 1 && peer === previous) continue;
        if (best < 0 || current[i]! > current[best]!) best = i;
      }
      if (best < 0) return null;
      current[best]! -= total;
      return live[best]!;
    },
  };
}
