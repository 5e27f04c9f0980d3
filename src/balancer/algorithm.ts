/** The per-target numbers algorithms read; owned by one balancer (one snapshot). */
export interface SlotStats {
  readonly weight: number;
  /** Tries picked and not yet reported (least-connections). */
  inflight: number;
  /** Smoothed upstream latency in ms, and when it was last updated (latency). */
  ewma: number;
  ewmaAt: number;
}

/** A balancing algorithm over a fixed list of slots; `usable(i)` says which may be picked now. */
export interface Algorithm {
  /** Slot index, or -1 when no usable slot exists. */
  pick(usable: (i: number) => boolean, hash: string | null): number;
}
