/** What an Admin API handler sees: one snapshot (read once per request), node facts, and the request. */
import type { ExplainRequest, Snapshot } from '../snapshot/types.js';
import type { PrometheusMetrics } from '../plugins/prometheus/metrics.js';
import type { KongSchema } from './kong-schema.js';

/** The Admin API reads the compiled Snapshot itself: one definition of what a snapshot offers. */
export type AdminSnapshot = Snapshot;
export type ExplainInput = ExplainRequest;

/**
 * nginx stub_status counters, in Kong's names, of the proxy listeners (src/proxy/server.ts keeps them).
 * `connections_waiting` is not read: `/status` derives it from the others (src/admin/status.ts).
 */
export interface ServerStatsInput {
  readonly total_requests: number;
  readonly connections_active: number;
  readonly connections_accepted: number;
  readonly connections_handled: number;
  /** Connections whose request headers are arriving; absent (0) while the server does not track it. */
  readonly connections_reading?: number;
  /** Requests being answered (WebSocket tunnels until they close). */
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
  /** The gateway's Prometheus metrics, for GET /metrics; without them /metrics has the node's gauges only. */
  readonly prometheus?: PrometheusMetrics;
}

/** What `/schemas/...` serves; null when there is nothing by that name. */
export interface SchemaSource {
  /** Kong's format: `/schemas/{entity}`, `/schemas/plugins/{name}`, `/plugins/schema/{name}` (config only). */
  kongEntity(name: string): KongSchema | null;
  kongPlugin(name: string): KongSchema | null;
  kongPluginConfig(name: string): KongSchema | null;
  /** The generated JSON Schemas (schemas/kong.schema.json, schemas/<entity>.json, schemas/plugins/<name>.json). */
  jsonDocument(): unknown;
  jsonEntity(name: string): unknown;
  jsonPlugin(name: string): unknown;
}

/** A request body, read for POST, PUT and PATCH (`/schemas/{entity}/validate`, the status listener's POST /status/ready). */
export interface AdminBody {
  readonly contentType: string | null;
  /** Null when the body was larger than the Admin API reads. */
  readonly bytes: Buffer | null;
}

export interface AdminRequest {
  readonly snap: AdminSnapshot;
  readonly node: NodeFacts;
  readonly schemas: SchemaSource;
  /** Raw request path as sent (before decoding), used to build `next` links. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Null for methods without a body. */
  readonly body: AdminBody | null;
  /** Show certificate keys, key material and credential secrets instead of `[redacted]`. */
  readonly exposeSecrets: boolean;
}
