/**
 * A gateway's Prometheus metrics (Kong keeps them in the `prometheus_metrics` shared dictionary): made when the
 * gateway starts, handed to every snapshot's prometheus plugins (PluginCreateContext.prometheus) and read by
 * /metrics on the Admin API and the status listener; dropped at stop. Two gateways in one process have two.
 *
 * Series are keyed by their label values, so a reload that keeps a route keeps its counters. Series whose
 * route or service the serving configuration no longer has are dropped when metrics are next read (scrape.ts).
 */
import type { Entities } from '../../schema/index.js';
import { DEFAULT_WORKSPACE } from '../../schema/workspace.js';
import { RouteSeries, routeLabels, seriesKey } from './series.js';

/** What a configuration's prometheus plugins switch on (Kong's `configure`, over every enabled instance). */
export interface Configured {
  /** Some instance is enabled: request series are exported. */
  readonly enabled: boolean;
  /** Some instance sets upstream_health_metrics (Kong: one is enough). */
  readonly upstreamHealth: boolean;
  /** Series keys of the routes the configuration has. */
  readonly live: ReadonlySet<string>;
}

export class PrometheusMetrics {
  readonly #series = new Map<string, RouteSeries>();
  /** kong_nginx_metric_errors_total: values the log phase could not record (not a number). */
  errors = 0;
  #configured: { readonly entities: Entities; readonly value: Configured } | null = null;

  /** The series of one label set, made on first use (a plugin instance keeps it per route). */
  series(service: string, route: string, workspace: string): RouteSeries {
    const key = seriesKey(service, route, workspace);
    let s = this.#series.get(key);
    if (s === undefined) this.#series.set(key, (s = new RouteSeries(service, route, workspace)));
    return s;
  }

  all(): IterableIterator<RouteSeries> {
    return this.#series.values();
  }

  /** Drops every series whose key is not in `live`. A plugin instance still holding one writes where no one reads. */
  retain(live: ReadonlySet<string>): void {
    for (const key of this.#series.keys()) if (!live.has(key)) this.#series.delete(key);
  }

  /** What `entities` asks of these metrics; kept for the configuration last asked about (the serving one). */
  configuredBy(entities: Entities): Configured {
    if (this.#configured?.entities !== entities) this.#configured = { entities, value: configure(entities) };
    return this.#configured.value;
  }

  /** Gateway stop. */
  clear(): void {
    this.#series.clear();
    this.errors = 0;
    this.#configured = null;
  }
}

function configure(entities: Entities): Configured {
  const instances = entities.plugins.filter((p) => p.name === 'prometheus' && p.enabled !== false);
  const services = new Map(entities.services.map((s) => [s.id, s]));
  const live = new Set<string>();
  for (const r of entities.routes) {
    const l = routeLabels(r, r.service ? services.get(r.service.id) : undefined);
    live.add(seriesKey(l.service, l.route, DEFAULT_WORKSPACE.name));
  }
  return {
    enabled: instances.length > 0,
    upstreamHealth: instances.some((p) => (p.config as Record<string, unknown>)['upstream_health_metrics'] === true),
    live,
  };
}
