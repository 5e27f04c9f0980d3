/**
 * Spans to OTLP/HTTP protobuf (Kong: kong/observability/otlp/init.lua), encoded by the OpenTelemetry JS
 * serializer: each span becomes the SDK's ReadableSpan shape, a batch one ExportTraceServiceRequest. The
 * resource is Kong's: service.name "kong", service.instance.id the node id, service.version Kong's, then
 * the configured resource_attributes over them; the scope is Kong's "kong-internal" 0.1.0.
 */
import { type Attributes, type HrTime, type SpanKind, type SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { type Span, timeNs } from '../../pdk/tracing.js';
import { KONG_VERSION } from '../../util/versions.js';
import type { BatchHandler } from '../queue/queue.js';
import { type ExportTarget, post } from '../tracing/http-export.js';

const SCOPE = Object.freeze({ name: 'kong-internal', version: '0.1.0' });

export function kongResource(nodeId: string, configured: Readonly<Record<string, string>> | null | undefined): Resource {
  return resourceFromAttributes({ 'service.name': 'kong', 'service.instance.id': nodeId, 'service.version': KONG_VERSION, ...configured });
}

const hrTime = (ns: number): HrTime => {
  const seconds = Math.floor(ns / 1e9);
  return [seconds, Math.min(999_999_999, Math.floor(ns - seconds * 1e9))];
};

/**
 * One finished span as the serializer reads it. Kong's kinds are OTLP's numbers, the SDK's are one less
 * (unspecified has none: left unset). `remoteParent`: the parent came in with the request.
 */
export function readableSpan(span: Span, resource: Resource, remoteParent: boolean): ReadableSpan {
  const traceId = span.trace_id;
  const traceFlags = TraceFlags.SAMPLED;
  const context = { traceId, spanId: span.span_id, traceFlags };
  const start = hrTime(span.start_time_ns);
  const endNs = span.end_time_ns ?? timeNs();
  return {
    name: span.name,
    kind: (span.kind > 0 ? span.kind - 1 : undefined) as SpanKind,
    spanContext: () => context,
    ...(span.parent_id !== null ? { parentSpanContext: { traceId, spanId: span.parent_id, traceFlags, isRemote: remoteParent } } : {}),
    startTime: start,
    endTime: hrTime(endNs),
    duration: hrTime(Math.max(0, endNs - span.start_time_ns)),
    ended: true,
    status: { code: (span.status ?? 0) as SpanStatusCode },
    // Kong's values are the SDK's (strings, numbers, booleans and lists of them).
    attributes: (span.attributes ?? {}) as Attributes,
    links: [],
    events: (span.events ?? []).map((e) => ({ name: e.name, time: hrTime(e.time_ns), attributes: (e.attributes ?? {}) as Attributes })),
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** The queue's batch handler: one ExportTraceServiceRequest per batch; Kong counts only a 200 as sent. */
export const exportSpans: BatchHandler<ReadableSpan, ExportTarget> = async (target, batch) => {
  const body = ProtobufTraceSerializer.serializeRequest(batch as ReadableSpan[]) ?? new Uint8Array(0);
  const res = await post(target, body);
  if ('error' in res) return `failed to send request: ${res.error}`;
  if (res.status !== 200) return `response error: ${res.status}, body: ${res.body}`;
  return true;
};
