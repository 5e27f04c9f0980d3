/**
 * Per-target health in the shape of Kong's `GET /upstreams/{u}/health` (Kong: db/dao/targets.lua,
 * runloop/balancer/healthcheckers.lua). The Admin API merges each entry with its target row.
 */
export type TargetHealthState = 'HEALTHY' | 'UNHEALTHY' | 'HEALTHCHECKS_OFF' | 'DNS_ERROR';
export type AddressHealth = 'HEALTHY' | 'UNHEALTHY' | 'HEALTHCHECKS_OFF';

export interface WeightSummary {
  readonly total: number;
  readonly available: number;
  readonly unavailable: number;
}

export interface TargetHealthData {
  readonly host: string;
  readonly port: number;
  readonly dns: 'A' | 'AAAA';
  readonly nodeWeight: number;
  readonly weight: WeightSummary;
  readonly addresses: readonly { readonly ip: string; readonly port: number; readonly weight: number; readonly health: AddressHealth }[];
}

export interface TargetHealthReport {
  /** The target string as written in the config (matches the target row's `target`). */
  readonly target: string;
  readonly health: TargetHealthState;
  readonly data: TargetHealthData;
}

export interface UpstreamHealthReport {
  readonly id: string;
  /** HEALTHCHECKS_OFF when neither active nor passive checks are configured. */
  readonly health: 'HEALTHY' | 'UNHEALTHY' | 'HEALTHCHECKS_OFF';
  /** Whether the upstream takes traffic (threshold applied). */
  readonly balancerHealth: 'HEALTHY' | 'UNHEALTHY';
  readonly weight: WeightSummary;
  /** Targets with weight > 0 (Kong keeps weight-0 targets out of the balancer), in config order. */
  readonly targets: readonly TargetHealthReport[];
}
