/** What an Admin API handler sees: one snapshot (read once per request), node facts, and the request. */
import type { Entities } from '../schema/index.js';
import type { UpstreamHealthReport } from '../balancer/upstream-health.js';
import type { AdminViews } from './views.js';

export interface ExplainInput {
  method: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  scheme: 'http' | 'https';
  sni: string | null;
}

/** The parts of a Snapshot the Admin API reads. */
export interface AdminSnapshot {
  readonly generation: number;
  readonly hash: string;
  readonly loadedAt: number;
  readonly file: string;
  readonly formatVersion: string;
  readonly entities: Entities;
  readonly admin: AdminViews;
  explain(req: ExplainInput): unknown;
  /** Live per-target health from the snapshot's balancers (null: unknown upstream or no balancer). */
  upstreamHealth?(upstreamId: string): UpstreamHealthReport | null;
}

/** nginx stub_status counters; accepted in Kong's snake_case or camelCase. */
export type ServerStatsInput =
  | {
      readonly total_requests: number;
      readonly connections_active: number;
      readonly connections_accepted: number;
      readonly connections_handled: number;
      readonly connections_reading?: number;
      readonly connections_writing?: number;
      readonly connections_waiting?: number;
    }
  | {
      readonly totalRequests: number;
      readonly connectionsActive: number;
      readonly connectionsAccepted: number;
      readonly connectionsHandled: number;
      readonly connectionsReading?: number;
      readonly connectionsWriting?: number;
      readonly connectionsWaiting?: number;
    };

export interface NodeFacts {
  readonly nodeId: string;
  readonly hostname: string;
  readonly version: string;
  readonly configuration: Readonly<Record<string, unknown>>;
  stats(): ServerStatsInput;
  lastReloadError(): { at: number; errors: readonly unknown[] } | null;
  logLevel(): string;
  memory(): NodeJS.MemoryUsage;
}

/** JSON Schema documents served by `/schemas/...`; null when there is none by that name. */
export interface SchemaSource {
  entity(name: string): unknown;
  plugin(name: string): unknown;
}

export interface AdminRequest {
  readonly snap: AdminSnapshot;
  readonly node: NodeFacts;
  readonly schemas: SchemaSource;
  /** Raw request path as sent (before decoding), used to build `next` links. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Show certificate keys, key material and credential secrets instead of `[redacted]`. */
  readonly exposeSecrets: boolean;
}
