/**
 * What one request adds to, resolved once per route: a route's label set (service, route, workspace) owns its
 * latency histograms and, per consumer label, its status counters and bandwidth. Recording is array and Map
 * updates on objects that already exist; no label text is built on the request path.
 */
import { labelPair } from './exposition.js';

// kong/plugins/prometheus/exporter.lua: kong_latency_ms has its own buckets; upstream and request latency share one list.
export const KONG_LATENCY_BUCKETS: readonly number[] = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000];
export const UPSTREAM_LATENCY_BUCKETS: readonly number[] = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000];

/** One histogram series: a count per bucket (not cumulative; the last slot is +Inf), the sum and the count. */
export class HistogramCell {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Kong's observe: the first bucket whose upper bound is >= the value (`le`), or +Inf. */
  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

/** Status codes and bytes of one consumer label ('' without per_consumer or without a consumer) on one route. */
export class ConsumerSeries {
  /** `code * 2 + 1` when the service answered (source="service"), `code * 2` otherwise (source="kong"). */
  readonly statuses = new Map<number, number>();
  ingress = 0;
  egress = 0;
  /** `consumer="…"`, rendered once. */
  readonly label: string;

  constructor(readonly consumer: string) {
    this.label = labelPair('consumer', consumer);
  }

  countStatus(code: number, fromService: boolean): void {
    const key = code * 2 + (fromService ? 1 : 0);
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }
}

/** Everything recorded for one (service, route, workspace) label set. */
export class RouteSeries {
  readonly kongLatency = new HistogramCell(KONG_LATENCY_BUCKETS);
  readonly upstreamLatency = new HistogramCell(UPSTREAM_LATENCY_BUCKETS);
  readonly requestLatency = new HistogramCell(UPSTREAM_LATENCY_BUCKETS);
  readonly #consumers = new Map<string, ConsumerSeries>();
  /** `service="…",route="…"` and `workspace="…"`, rendered once: every metric puts other labels between them. */
  readonly serviceRoute: string;
  readonly workspaceLabel: string;

  constructor(
    readonly service: string,
    readonly route: string,
    readonly workspace: string,
  ) {
    this.serviceRoute = `${labelPair('service', service)},${labelPair('route', route)}`;
    this.workspaceLabel = labelPair('workspace', workspace);
  }

  consumer(name: string): ConsumerSeries {
    let c = this.#consumers.get(name);
    if (c === undefined) this.#consumers.set(name, (c = new ConsumerSeries(name)));
    return c;
  }

  consumers(): IterableIterator<ConsumerSeries> {
    return this.#consumers.values();
  }
}

/** Kong's labels for a request's route and service: the service's name or else its host, the route's name or else its id. */
export function routeLabels(
  route: { readonly id: string; readonly name?: string | null },
  service: { readonly name?: string | null; readonly host: string } | null | undefined,
): { service: string; route: string } {
  return { service: service ? (service.name ?? service.host) : '', route: route.name ?? route.id };
}

/** The key of a label set in the gateway's store. */
export function seriesKey(service: string, route: string, workspace: string): string {
  return `${service}\u0000${route}\u0000${workspace}`;
}
