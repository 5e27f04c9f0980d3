/** What an Admin API handler sees: one snapshot (read once per request), node facts, and the request. */
import type { ExplainRequest, Snapshot } from '../snapshot/types.js';

/** The Admin API reads the compiled Snapshot itself: one definition of what a snapshot offers. */
export type AdminSnapshot = Snapshot;
export type ExplainInput = ExplainRequest;

/** nginx stub_status counters, in Kong's names (src/proxy/server.ts keeps them). */
export interface ServerStatsInput {
  readonly total_requests: number;
  readonly connections_active: number;
  readonly connections_accepted: number;
  readonly connections_handled: number;
  readonly connections_reading?: number;
  readonly connections_writing?: number;
  readonly connections_waiting?: number;
}

/** What old snapshots still hold: retired ones kept by in-flight requests or tunnels, and live health checkers. */
export interface RuntimeFacts {
  readonly draining: number;
  readonly healthCheckers: number;
}

export interface NodeFacts {
  readonly nodeId: string;
  readonly hostname: string;
  readonly version: string;
  readonly configuration: Readonly<Record<string, unknown>>;
  stats(): ServerStatsInput;
  lastReloadError(): { at: number; errors: readonly unknown[] } | null;
  logLevel(): string;
  memory(): NodeJS.MemoryUsage;
  runtime(): RuntimeFacts;
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
