import { randomBytes } from 'node:crypto';
import type { Pdk } from '../../pdk/kong.js';
import type { PhaseTimes } from '../../pdk/tracing.js';
import { definePlugin } from '../define.js';
import type { BatchHandler } from '../queue/queue.js';
import { queueParams, type QueueConfig } from '../queue/schema.js';
import type { TraceContext } from '../tracing/format.js';
import { type ExportTarget, exportTarget, post } from '../tracing/http-export.js';
import { recording } from '../tracing/instrumentation.js';
import { extract, pluginPropagation, type PropagationConfig, propagate } from '../tracing/propagation.js';
import { parseRequestTags } from './request-tags.js';
import { schema } from './schema.js';
import { ZipkinSpan, zipkinJson } from './span.js';

interface Config {
  local_service_name: string;
  http_endpoint?: string | null;
  sample_ratio: number;
  default_service_name?: string | null;
  include_credential: boolean;
  traceid_byte_count: 8 | 16;
  header_type: string;
  default_header_type: string;
  tags_header: string;
  static_tags?: { name: string; value: string }[] | null;
  http_span_name: 'method' | 'method_path';
  connect_timeout: number;
  send_timeout: number;
  read_timeout: number;
  http_response_header_for_traceid?: string | null;
  phase_duration_flavor: 'annotations' | 'tags';
  queue: QueueConfig;
  propagation: PropagationConfig;
}

/** The request's spans, kept in kong.ctx.plugin across phases (Kong: ctx.zipkin). */
interface Request {
  readonly request: ZipkinSpan;
  proxy: ZipkinSpan | null;
}

const KEY = 'zipkin';
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const us = (ns: number | null | undefined): number | null => (ns === null || ns === undefined ? null : ns / 1000);

/** Kong's send_entries_to_zipkin: the batch as one JSON array; any 2xx is success. */
const sendSpans: BatchHandler<Record<string, unknown>, ExportTarget> = async (target, batch) => {
  const res = await post(target, JSON.stringify(batch));
  if ('error' in res) return `zipkin request failed: ${res.error}`;
  if (res.status < 200 || res.status >= 300) return `zipkin server responded unexpectedly: ${res.status} ${res.body}`;
  return true;
};

/**
 * Kong's zipkin plugin: a SERVER span for the request, a CLIENT span for the proxied part (from access to the
 * response) and one per balancer try, sent as Zipkin JSON v2 to http_endpoint in batches through the plugin
 * queue. Trace context is propagated with the shared propagation (default format b3). Timing comes from the
 * lifecycle's records (kong.tracing.timings); balancer tries from its kong.balancer spans.
 */
export default definePlugin<Config>({
  schema,
  create(config, ctx) {
    const { params, warnings } = queueParams('zipkin', ctx.entity.id, ctx.entity.instance_name ?? undefined, config.queue, {}, ctx.entity.id);
    if (config.header_type !== 'preserve') warnings.push('zipkin: config.header_type is deprecated, please use config.propagation options instead');
    if (config.default_header_type !== 'b3') warnings.push('zipkin: config.default_header_type is deprecated, please use config.propagation.default_format instead');
    for (const w of warnings) ctx.logger.warn(w);
    const propagation = pluginPropagation(config);
    const target = config.http_endpoint == null ? null : exportTarget(config.http_endpoint, { 'content-type': 'application/json' }, config);
    const queues = ctx.queues;
    const annotations = config.phase_duration_flavor === 'annotations';
    const defaultServiceName = config.default_service_name ?? null;

    const report = (kong: Pdk, span: ZipkinSpan) => {
      // Kong queues spans with no endpoint too, and its sender drops them: nothing to queue here.
      if (!span.shouldSample || target === null) return;
      const err = queues.enqueue(params, sendSpans, target, zipkinJson(span, config.local_service_name, defaultServiceName));
      if (err !== null) kong.log.err('failed to enqueue span:', err);
    };

    /** Kong's initialize_request: the request span, continuing the incoming trace. */
    const begin = (kong: Pdk, incoming: TraceContext): Request => {
      const req = kong.request;
      const method = req.get_method();
      const path = req.get_path();
      // Formats that share a span between caller and receiver (b3, jaeger) make it the request span.
      const spanId = incoming.reuseSpanId ? incoming.spanId : undefined;
      const parentId = incoming.reuseSpanId ? incoming.parentId : incoming.spanId;
      const start = us(recording(kong)?.spans[0]?.start_time_ns) ?? req.get_start_time() * 1000;
      const span = new ZipkinSpan(
        'SERVER',
        config.http_span_name === 'method_path' ? `${method} ${path}` : method,
        start,
        incoming.shouldSample ?? Math.random() < config.sample_ratio,
        incoming.traceId ?? randomBytes(config.traceid_byte_count).toString('hex'),
        spanId,
        parentId ?? null,
        incoming.baggage,
      );
      span.ip = kong.client.get_forwarded_ip();
      span.port = kong.client.get_forwarded_port();
      span.setTag('lc', 'kong');
      span.setTag('http.method', method);
      span.setTag('http.host', req.get_host());
      span.setTag('http.path', path);
      span.setTag('http.protocol', `HTTP/${req.get_http_version()}`);
      for (const tag of config.static_tags ?? []) span.setTag(tag.name, tag.value);
      const { tags, error } = parseRequestTags(req.get_headers()[config.tags_header.toLowerCase()]);
      if (error !== null) kong.log.warn(error);
      for (const k in tags) span.setTag(k, tags[k]);
      const state: Request = { request: span, proxy: null };
      kong.ctx.plugin[KEY] = state;
      return state;
    };
    const current = (kong: Pdk): Request => (kong.ctx.plugin[KEY] as Request | undefined) ?? begin(kong, extract(kong, propagation).ctx);
    const proxySpan = (z: Request, startUs: number): ZipkinSpan => (z.proxy ??= z.request.child('CLIENT', `${z.request.name} (proxy)`, startUs));

    return {
      access(kong) {
        propagate(kong, propagation, (incoming) => {
          const z = begin(kong, incoming.ctx);
          const proxy = proxySpan(z, us(recording(kong)?.timings.accessStart) ?? nowUs());
          const out: TraceContext = { ...incoming.ctx, traceId: proxy.traceId, spanId: proxy.spanId };
          // Kong's `proxy_span.should_sample or …`: "not sampled" is injected as no decision.
          if (proxy.shouldSample) out.shouldSample = true;
          else delete out.shouldSample;
          if (proxy.parentId !== null) out.parentId = proxy.parentId;
          if (proxy.baggage !== undefined) out.baggage = proxy.baggage;
          return out;
        });
      },
      header_filter(kong) {
        const z = current(kong);
        const start = us(recording(kong)?.timings.headerFilterStart) ?? nowUs();
        const proxy = proxySpan(z, start);
        if (annotations) proxy.annotate('khs', start);
        if (config.http_response_header_for_traceid != null) kong.response.add_header(config.http_response_header_for_traceid, proxy.traceId);
      },
      log(kong) {
        const now = nowUs();
        const z = current(kong);
        const tracer = recording(kong);
        const t: PhaseTimes | null = tracer?.timings ?? null;
        const { request } = z;
        const proxy = proxySpan(z, now);
        const proxyEnd = us(t?.responseEnd) ?? now;
        if (annotations) {
          // Kong annotates the header filter's end and the body filter's start in body_filter, then the rest here.
          const headersDone = us(t?.headerFilterEnd);
          if (headersDone !== null) {
            proxy.annotate('khf', headersDone);
            proxy.annotate('kbs', headersDone);
          }
          request.annotate('krf', us(t?.rewriteEnd) ?? request.timestamp);
          request.annotate('krs', us(t?.rewriteStart) ?? request.timestamp);
          proxy.annotate('kas', us(t?.accessStart) ?? proxy.timestamp);
          proxy.annotate('kaf', us(t?.accessEnd) ?? proxyEnd);
          if (headersDone === null) proxy.annotate('khf', now);
          proxy.annotate('kbf', now);
        } else if (t !== null) {
          const ms = (from: number | null, to: number | null) => (from === null || to === null ? null : Math.round((to - from) / 1e6));
          request.setTag('kong.rewrite.duration_ms', ms(t.rewriteStart, t.rewriteEnd));
          proxy.setTag('kong.access.duration_ms', ms(t.accessStart, t.accessEnd));
          proxy.setTag('kong.header_filter.duration_ms', ms(t.headerFilterStart, t.headerFilterEnd));
        }
        const service = kong.router.get_service();
        const route = kong.router.get_route();
        const tagRoute = (span: ZipkinSpan) => {
          if (service !== null) {
            span.setTag('kong.service', service.id);
            if (typeof service.name === 'string') {
              span.serviceName = service.name;
              span.setTag('kong.service_name', service.name);
            }
          }
          if (route !== null) {
            span.setTag('kong.route', route.id);
            if (typeof route.name === 'string') span.setTag('kong.route_name', route.name);
          }
        };
        // The balancer tries, as the lifecycle recorded them (kong.balancer spans, in try order).
        const tries: { start: number; end: number; ip: string; port: number; code: unknown }[] = [];
        tracer?.process_span((s) => {
          if (s.name !== 'kong.balancer') return;
          const a = s.attributes ?? {};
          tries.push({ start: s.start_time_ns / 1000, end: (s.end_time_ns ?? s.start_time_ns) / 1000, ip: String(a['net.peer.ip']), port: Number(a['net.peer.port']), code: a['http.status_code'] });
        });
        for (const [i, tr] of tries.entries()) {
          const span = request.child('CLIENT', `${request.name} (balancer try ${i + 1})`, tr.start);
          span.ip = tr.ip;
          span.port = tr.port;
          span.setTag('kong.balancer.try', i + 1);
          if (i < tries.length - 1) {
            span.setTag('error', true);
            span.setTag('kong.balancer.state', 'failed');
            span.setTag('http.status_code', tr.code as number);
          }
          tagRoute(span);
          span.finish(tr.end);
          report(kong, span);
        }
        const last = tries.at(-1);
        if (last !== undefined) {
          proxy.setTag('peer.hostname', service?.host);
          proxy.ip = last.ip;
          proxy.port = last.port;
        }
        request.setTag('http.status_code', kong.response.get_status());
        const consumer = kong.client.get_consumer();
        if (consumer !== null) request.setTag('kong.consumer', consumer.id);
        const credential = kong.client.get_credential();
        if (config.include_credential && credential !== null) request.setTag('kong.credential', credential.id);
        request.setTag('kong.node.id', kong.node.get_id());
        tagRoute(proxy);
        proxy.finish(proxyEnd);
        report(kong, proxy);
        request.finish(now);
        report(kong, request);
      },
    };
  },
});
