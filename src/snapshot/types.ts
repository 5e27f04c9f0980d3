import type { AdminViews } from './admin-views.js';
import type { UpstreamHealthReport } from '../balancer/health-report.js';
import type { Entities } from '../schema/index.js';

/**
 * A compiled, deeply frozen configuration. The runtime holds exactly one current Snapshot; a request reads it
 * once and uses that object to the end. Parts are added by their owners (router, plugins, balancers, admin views).
 */
export interface Snapshot {
  /** Increments with every successful swap (1 = first config). */
  readonly generation: number;
  /** md5 hex of the raw file bytes (Kong's configuration_hash). */
  readonly hash: string;
  /** Wall-clock time the snapshot was compiled, ms since epoch. */
  readonly loadedAt: number;
  readonly file: string;
  readonly formatVersion: string;
  readonly entities: Entities;
  /** Precomputed Admin API views (src/snapshot/admin-views.ts builds them at compile time). */
  readonly admin: AdminViews;
  /**
   * What the proxy would do with a request, for the Admin API's route-explain endpoint: the matched route and
   * why (per-attribute comparisons), plugins in run order, upstream URL. Shape owned by src/snapshot/explain.ts.
   */
  explain(req: ExplainRequest): unknown;
  /** Live health of an upstream's targets (Admin API `/upstreams/{u}/health`). */
  upstreamHealth(upstreamId: string): UpstreamHealthReport | null;
}

export interface ExplainRequest {
  method: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  scheme: 'http' | 'https';
  sni: string | null;
}
