/**
 * What a tracing header format is to propagation (kong/observability/tracing/propagation/extractors/_base.lua,
 * injectors/_base.lua): an extractor reading the incoming context from request headers, an injector writing the
 * outgoing one. Ids are hex; the base steps here size them as Kong does.
 */
import { SPAN_ID_BYTES, TRACE_ID_BYTES, byteSize, toIdSize } from './ids.js';

/**
 * A tracing context as Kong's extractors return it and its injectors take it. `spanId` is the sender's span
 * (the receiver's parent) for formats with one span id; formats that share a span between client and server
 * (b3, jaeger: `reuseSpanId`) also carry its parent in `parentId`.
 */
export interface TraceContext {
  traceId?: string;
  spanId?: string;
  parentId?: string;
  reuseSpanId?: boolean;
  shouldSample?: boolean;
  baggage?: Readonly<Record<string, string>>;
  /** b3's X-B3-Flags ("1": debug). */
  flags?: string;
  /** W3C trace flags, as a number. */
  w3cFlags?: number;
  /** b3 read from its single header. */
  singleHeader?: boolean;
  /** The trace id's size as it came, in bytes: injectors that allow it keep it. */
  traceIdOriginalSize?: number;
}

/** Request headers as kong.request.get_headers() gives them: lowercase names, repeated ones as lists. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[]>>;

export type Warn = (message: string) => void;

export interface Extractor {
  /** Headers of which at least one must be present for the extractor to look (Kong: headers_validate.any). */
  readonly any: readonly string[];
  /** The context, or undefined when the headers hold none (extractors never fail: they warn and ignore). */
  context(headers: RequestHeaders, warn: Warn): TraceContext | undefined;
}

export interface Injector {
  readonly name: string;
  /** The injector needs a trace and a span id (Kong: context_validate.all). */
  readonly needsIds: boolean;
  /** Trace id sizes it can write, in bytes; the first is its default. */
  readonly traceIdSizes: readonly number[];
  headers(ctx: TraceContext): Record<string, string>;
  /** The trace id as this format writes it, for kong.log.serialize()'s trace_id (Kong: get_formatted_trace_id). */
  formattedTraceId(traceId: string | undefined): Record<string, string>;
}

/** A header's value when it is one string (Kong's extractors ignore repeated tracing headers). */
export function single(headers: RequestHeaders, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** Kong's _EXTRACTOR:extract: only with one of its headers present; ids padded or cut to Kong's sizes. */
export function extractWith(e: Extractor, headers: RequestHeaders, warn: Warn): TraceContext | undefined {
  if (e.any.length > 0 && !e.any.some((h) => headers[h] !== undefined)) return undefined;
  const ctx = e.context(headers, warn);
  if (ctx === undefined) return undefined;
  if (ctx.traceId !== undefined) {
    ctx.traceIdOriginalSize = byteSize(ctx.traceId);
    ctx.traceId = toIdSize(ctx.traceId, TRACE_ID_BYTES);
  }
  if (ctx.spanId !== undefined) ctx.spanId = toIdSize(ctx.spanId, SPAN_ID_BYTES);
  if (ctx.parentId !== undefined) ctx.parentId = toIdSize(ctx.parentId, SPAN_ID_BYTES);
  return ctx;
}

/** Kong counts an extraction as found when the context it returned holds anything (a non-empty Lua table). */
export function holdsAnything(ctx: TraceContext | undefined): ctx is TraceContext {
  if (ctx === undefined) return false;
  for (const k in ctx) if (ctx[k as keyof TraceContext] !== undefined) return true;
  return false;
}

/**
 * Kong's _INJECTOR:inject, up to the headers: checks the context, then sizes the ids for the format — the
 * incoming trace id size when the format allows it, its default size otherwise.
 */
export function injectWith(inj: Injector, ctx: TraceContext): { headers: Record<string, string>; formatted: Record<string, string> } | string {
  if (inj.needsIds) {
    const missing = ctx.traceId === undefined ? 'trace_id' : ctx.spanId === undefined ? 'span_id' : null;
    if (missing !== null) return `${inj.name} injector context is invalid: field ${missing} not found in context`;
  }
  const orig = ctx.traceIdOriginalSize;
  const size = orig !== undefined && inj.traceIdSizes.includes(orig) ? orig : inj.traceIdSizes[0]!;
  const sized: TraceContext = { ...ctx };
  if (ctx.traceId !== undefined) sized.traceId = toIdSize(ctx.traceId, size);
  if (ctx.spanId !== undefined) sized.spanId = toIdSize(ctx.spanId, SPAN_ID_BYTES);
  if (ctx.parentId !== undefined) sized.parentId = toIdSize(ctx.parentId, SPAN_ID_BYTES);
  return { headers: inj.headers(sized), formatted: inj.formattedTraceId(sized.traceId) };
}
