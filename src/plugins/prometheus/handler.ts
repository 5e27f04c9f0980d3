import type { Pdk } from '../../pdk/kong.js';
import { definePlugin } from '../define.js';
import { PrometheusMetrics } from './metrics.js';
import { schema } from './schema.js';
import { type ConsumerSeries, type RouteSeries, routeLabels } from './series.js';

interface Config {
  per_consumer: boolean;
  status_code_metrics: boolean;
  ai_metrics: boolean;
  latency_metrics: boolean;
  bandwidth_metrics: boolean;
  upstream_health_metrics: boolean;
  wasm_metrics: boolean;
}

/** The fields of kong.log.serialize() Kong's exporter reads, by Kong's names. */
interface Serialized {
  readonly request?: { readonly size?: unknown };
  readonly response?: { readonly status?: unknown; readonly size?: unknown };
  readonly latencies?: { readonly kong?: unknown; readonly proxy?: unknown; readonly request?: unknown };
  readonly route?: { readonly id: string; readonly name?: string | null };
  readonly service?: { readonly name?: string | null; readonly host: string };
  readonly consumer?: { readonly username?: string | null };
  readonly workspace_name?: string;
}

interface Resolved {
  readonly service: Serialized['service'];
  readonly workspace: string;
  readonly series: RouteSeries;
}

/**
 * kong/plugins/prometheus/handler.lua + exporter.lua `log`: the log phase reads kong.log.serialize() and adds the
 * request to its route's series — nothing for a request that matched no route. The series come from the
 * gateway's metrics (PluginCreateContext.prometheus), so they outlive this instance and its snapshot; /metrics
 * reads them (scrape.ts).
 */
export default definePlugin<Config>({
  schema,
  create(config, ctx) {
    // A snapshot compiled without a gateway (validation, tests) records into metrics no one reads.
    const metrics = ctx.prometheus ?? new PrometheusMetrics();
    const { per_consumer: perConsumer, status_code_metrics: statuses, latency_metrics: latencies, bandwidth_metrics: bandwidth } = config;
    if (!statuses && !latencies && !bandwidth) return {};
    // A route's series, found once per route entity in this snapshot: the label text is built when it is made.
    const byRoute = new WeakMap<object, Resolved>();
    const seriesOf = (m: Serialized, route: NonNullable<Serialized['route']>): RouteSeries => {
      const workspace = m.workspace_name ?? '';
      const known = byRoute.get(route);
      if (known !== undefined && known.service === m.service && known.workspace === workspace) return known.series;
      const labels = routeLabels(route, m.service);
      const series = metrics.series(labels.service, labels.route, workspace);
      byRoute.set(route, { service: m.service, workspace, series });
      return series;
    };
    // A value that is present but not a number is Kong's metric error; an absent one is skipped.
    const numberOf = (value: unknown): number | null => {
      if (value === undefined || value === null) return null;
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      metrics.errors++;
      return null;
    };
    return {
      log(kong: Pdk) {
        const m = kong.log.serialize() as Serialized;
        const route = m.route;
        if (route === undefined || route === null) return;
        const series = seriesOf(m, route);
        if (bandwidth || statuses) countRequest(kong, m, series.consumer(perConsumer ? (m.consumer?.username ?? '') : ''));
        if (latencies) {
          const l = m.latencies;
          const request = numberOf(l?.request);
          if (request !== null && request >= 0) series.requestLatency.observe(request);
          const upstream = numberOf(l?.proxy);
          if (upstream !== null && upstream >= 0) series.upstreamLatency.observe(upstream);
          const added = numberOf(l?.kong);
          if (added !== null && added >= 0) series.kongLatency.observe(added);
        }
      },
    };

    function countRequest(kong: Pdk, m: Serialized, consumer: ConsumerSeries): void {
      if (bandwidth) {
        const ingress = numberOf(m.request?.size);
        if (ingress !== null && ingress > 0) consumer.ingress += ingress;
        const egress = numberOf(m.response?.size);
        if (egress !== null && egress > 0) consumer.egress += egress;
      }
      if (statuses) {
        const code = numberOf(m.response?.status);
        // Kong: source="service" when the service answered, "kong" for the gateway's own answers and errors.
        if (code !== null && Number.isInteger(code)) consumer.countStatus(code, kong.response.get_source() === 'service');
        else if (code !== null) metrics.errors++;
      }
    }
  },
});
