import type { BalanceRequest } from './balance-request.js';
import type { BalancerResources } from './resources.js';
import type { UpstreamHealthReport } from './health-report.js';

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
  /** Host header for this peer when the upstream has no host_header (Kong: port kept unless the default). */
  readonly hostHeaderHttp: string;
  readonly hostHeaderHttps: string;
}

/** How a try on a peer ended, for least-connections, latency and passive health (null: the client left). */
export type PeerOutcome =
  | { readonly ok: true; readonly status: number; readonly upstreamLatencyMs: number }
  | { readonly ok: false; readonly kind: 'connect' | 'reset' | 'tls' | 'timeout' };

/** Picks a target for a try; null when no target can take traffic (Kong answers 503). */
export interface BalancerPlan {
  readonly upstreamId: string;
  readonly name: string;
  readonly hostHeader: string | null;
  /**
   * A peer for the next try. `request` carries the hash inputs and the targets tried so far (one object per
   * proxied request, reused across its retries); without it `previous` is the only target avoided.
   */
  pick(previous: PeerAddress | null, request?: BalanceRequest | null): PeerAddress | null;
  /** Must follow every successful pick exactly once, when that try is over. */
  report(peer: PeerAddress, outcome: PeerOutcome | null): void;
  /** Per-target health (Admin API `/upstreams/{u}/health`). */
  health(): UpstreamHealthReport;
  /** Joins the gateway's shared health checkers and DNS cache; called when the snapshot is swapped in. */
  activate(resources: BalancerResources): void;
  /** Gives them back; called when the snapshot is retired (or was never swapped in). */
  dispose(): void;
}
