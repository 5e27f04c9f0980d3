import type { Resource } from '@opentelemetry/resources';
import type { Pdk } from '../../pdk/kong.js';
import type { RequestTracing } from '../../pdk/tracing.js';
import { definePlugin } from '../define.js';
import { queueParams, type QueueConfig } from '../queue/schema.js';
import type { TraceContext } from '../tracing/format.js';
import { exportTarget } from '../tracing/http-export.js';
import { recording } from '../tracing/instrumentation.js';
import { type Extracted, pluginPropagation, type PropagationConfig, propagate } from '../tracing/propagation.js';
import { exportSpans, kongResource, readableSpan } from './otlp.js';
import { schema } from './schema.js';

interface Config {
  traces_endpoint?: string | null;
  endpoint?: string | null;
  headers?: Record<string, string> | null;
  resource_attributes?: Record<string, string> | null;
  queue: QueueConfig;
  batch_span_count?: number | null;
  batch_flush_delay?: number | null;
  connect_timeout: number;
  send_timeout: number;
  read_timeout: number;
  http_response_header_for_traceid?: string | null;
  header_type: string;
  sampling_rate?: number | null;
  propagation: PropagationConfig;
}

/**
 * Kong's get_inject_ctx (kong/plugins/opentelemetry/traces.lua): the request's trace takes the incoming trace
 * id, its root span the incoming span as parent; the trace is sampled (an incoming "not sampled" is kept,
 * otherwise `sampling_rate`); upstream gets the balancer span, made before the balancer ran, as its parent.
 */
function outgoing(tracer: RequestTracing, { ctx }: Extracted, samplingRate: number | null | undefined): TraceContext {
  const root = tracer.spans[0]!;
  const parent = tracer.context.unlinkedBalancer ?? root;
  if (ctx.traceId !== undefined) {
    parent.trace_id = ctx.traceId;
    tracer.context.rawTraceId = ctx.traceId;
  }
  const incomingParent = ctx.spanId ?? ctx.parentId;
  if (incomingParent !== undefined) root.parent_id = incomingParent;
  const sampled = tracer.get_sampling_decision(ctx.shouldSample, samplingRate);
  tracer.set_should_sample(sampled);
  parent.should_sample = sampled;
  const flags = ctx.w3cFlags ?? (ctx.flags !== undefined ? Number(ctx.flags) || 0 : 0);
  tracer.context.flags = flags | (sampled ? 1 : 0);
  const out: TraceContext = { ...ctx, traceId: parent.trace_id, spanId: parent.span_id, shouldSample: sampled };
  if (parent.parent_id !== null) out.parentId = parent.parent_id;
  else delete out.parentId;
  return out;
}

/**
 * Kong's opentelemetry plugin, traces: access propagates the trace context (extract, inject, clear), header_filter
 * can answer with the trace id, and log queues the request's sampled spans; the gateway's queue sends them in
 * batches (OTLP/HTTP protobuf) to traces_endpoint. The spans are the lifecycle's (src/plugins/tracing/instrumentation.ts).
 */
export default definePlugin<Config>({
  schema,
  create(config, ctx) {
    const endpoint = (config.traces_endpoint ?? config.endpoint)!;
    const { params, warnings } = queueParams('opentelemetry', ctx.entity.id, ctx.entity.instance_name ?? undefined, config.queue, config, `${ctx.entity.id}:traces`);
    if (config.traces_endpoint == null && config.endpoint != null) warnings.push('OpenTelemetry: config.endpoint is deprecated, please use config.traces_endpoint instead');
    if (config.header_type !== 'preserve') warnings.push('opentelemetry: config.header_type is deprecated, please use config.propagation options instead');
    for (const w of warnings) ctx.logger.warn(w);
    const propagation = pluginPropagation(config);
    // Kong's get_headers: the protobuf content type unless the configuration names its own.
    const headers: Record<string, string> = { ...config.headers };
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-protobuf';
    const target = exportTarget(endpoint, headers, config);
    const queues = ctx.queues;
    const rate = config.sampling_rate;
    const traceIdHeader = config.http_response_header_for_traceid;
    // Node id is known on the first request; the resource is the same for every later one.
    let resource: Resource | null = null;
    const resourceFor = (kong: Pdk) => (resource ??= kongResource(kong.node.get_id(), config.resource_attributes));
    return {
      access(kong) {
        const tracer = recording(kong);
        if (tracer !== null) propagate(kong, propagation, (incoming) => outgoing(tracer, incoming, rate));
      },
      header_filter(kong) {
        if (traceIdHeader == null) return;
        const traceId = recording(kong)?.context.rawTraceId;
        if (traceId != null) kong.response.add_header(traceIdHeader, traceId);
      },
      log(kong) {
        const tracer = recording(kong);
        if (tracer === null) return;
        const root = tracer.spans[0];
        // A request that never reached access (no route matched, a rewrite answered): sampled here.
        if (root !== undefined && root.should_sample === null) tracer.set_should_sample(tracer.get_sampling_decision(undefined, rate));
        const traceId = tracer.context.rawTraceId;
        const res = resourceFor(kong);
        tracer.process_span((span) => {
          if (span.should_sample !== true) return;
          if (traceId !== null) span.trace_id = traceId;
          const err = queues.enqueue(params, exportSpans, target, readableSpan(span, res, span === root));
          if (err !== null) kong.log.err('Failed to enqueue span to log server:', err);
        });
      },
    };
  },
});
