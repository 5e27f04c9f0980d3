/**
 * Zipkin's span (kong/plugins/zipkin/span.lua, reporter.lua), modelled on the JSON v2 span it is sent as:
 * microsecond timestamps, hex ids, string tags, annotations.
 */
import { randomBytes } from 'node:crypto';

export type Kind = 'SERVER' | 'CLIENT';
export type TagValue = string | number | boolean;

export interface Annotation {
  readonly value: string;
  readonly timestamp: number;
}

export class ZipkinSpan {
  duration: number | null = null;
  tags: Record<string, TagValue> | null = null;
  annotations: Annotation[] | null = null;
  /** The remote service (Zipkin's remoteEndpoint.serviceName): the Kong service the request went to. */
  serviceName: string | null = null;
  ip: string | null = null;
  port: number | null = null;
  readonly timestamp: number;

  constructor(
    readonly kind: Kind,
    readonly name: string,
    startUs: number,
    readonly shouldSample: boolean,
    readonly traceId: string,
    readonly spanId: string = randomBytes(8).toString('hex'),
    readonly parentId: string | null = null,
    readonly baggage: Readonly<Record<string, string>> | undefined = undefined,
  ) {
    this.timestamp = Math.floor(startUs);
  }

  child(kind: Kind, name: string, startUs: number): ZipkinSpan {
    return new ZipkinSpan(kind, name, startUs, this.shouldSample, this.traceId, undefined, this.spanId, this.baggage);
  }

  finish(endUs: number): void {
    if (this.duration === null) this.duration = Math.max(0, Math.floor(endUs - this.timestamp));
  }

  /** A null or undefined value sets nothing (Kong: nil). */
  setTag(key: string, value: TagValue | null | undefined): void {
    if (value === null || value === undefined) return;
    (this.tags ??= {})[key] = value;
  }

  annotate(value: string, timestampUs: number): void {
    (this.annotations ??= []).push({ value, timestamp: Math.floor(timestampUs) });
  }
}

/** The reporter's JSON v2 span: empty tags dropped, the remote endpoint only when there is something to say. */
export function zipkinJson(span: ZipkinSpan, localServiceName: string, defaultServiceName: string | null): Record<string, unknown> {
  let tags: Record<string, string> | undefined;
  for (const k in span.tags) {
    const v = String(span.tags[k]);
    // Zipkin wants string tag values, and no empty ones.
    if (v !== '') (tags ??= {})[k] = v;
  }
  const serviceName = span.serviceName ?? defaultServiceName;
  let remoteEndpoint: Record<string, unknown> | null = null;
  if (span.port !== null || serviceName !== null) {
    remoteEndpoint = {};
    if (serviceName !== null) remoteEndpoint.serviceName = serviceName;
    if (span.port !== null) remoteEndpoint.port = span.port;
    if (span.ip !== null) remoteEndpoint[span.ip.includes(':') ? 'ipv6' : 'ipv4'] = span.ip;
  }
  return {
    traceId: span.traceId,
    name: span.name,
    ...(span.parentId !== null ? { parentId: span.parentId } : {}),
    id: span.spanId,
    kind: span.kind,
    timestamp: span.timestamp,
    duration: span.duration,
    localEndpoint: { serviceName: localServiceName },
    remoteEndpoint,
    ...(tags !== undefined ? { tags } : {}),
    ...(span.annotations !== null ? { annotations: span.annotations } : {}),
  };
}
