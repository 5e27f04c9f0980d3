import { randomBytes } from 'node:crypto';
import { enter, Namespace } from './namespace.js';
import type { PhaseName } from './phases.js';
import { rules } from './phase-rules.js';

const R = rules('kong.tracing');

/** Kong's SPAN_KIND (kong/pdk/tracing.lua): OTLP's numbers. */
export const SPAN_KIND = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

/** Span status codes (Kong: 0 unset, 1 ok, 2 error). */
export const SPAN_STATUS = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export type AttributeValue = string | number | boolean | readonly (string | number | boolean)[];
export type Attributes = Record<string, AttributeValue>;

export interface SpanEvent {
  readonly name: string;
  readonly time_ns: number;
  readonly attributes?: Readonly<Attributes>;
}

/** Kong's span options (start_span, create_span, link_span). Ids are lowercase hex: 32 digits, 16 for spans. */
export interface SpanOptions {
  readonly span_kind?: number;
  readonly start_time_ns?: number;
  readonly attributes?: Attributes;
  readonly should_sample?: boolean;
  readonly parent?: Span | null;
  readonly trace_id?: string;
  readonly parent_id?: string;
}

/** Wall-clock nanoseconds (Kong's time_ns) of a performance.now() reading; now when omitted. */
export function timeNs(perfMs: number = performance.now()): number {
  return (performance.timeOrigin + perfMs) * 1e6;
}

// Kong: the tracer's span functions do nothing outside these phases (VALID_TRACING_PHASES).
const TRACING_PHASES: ReadonlySet<PhaseName> = new Set(['rewrite', 'access', 'header_filter', 'body_filter', 'log', 'ws_handshake']);

/**
 * A span (kong/pdk/tracing.lua span_mt): Kong's fields and methods, ids as hex. Times are wall-clock
 * nanoseconds; `should_sample` null means no sampling decision was made yet.
 */
export class Span {
  name = '';
  start_time_ns = 0;
  end_time_ns: number | null = null;
  attributes: Attributes | null = null;
  events: SpanEvent[] | null = null;
  status: number | null = null;
  linked = false;
  active = false;
  readonly is_recording: boolean = true;

  constructor(
    readonly tracer: RequestTracing | null,
    public trace_id: string,
    readonly span_id: string,
    public parent_id: string | null,
    readonly kind: number,
    public should_sample: boolean | null,
    readonly parent: Span | null,
  ) {}

  /** Ends the span (once); an end before its start is refused, as Kong logs and ignores it. */
  finish(end_time_ns?: number): void {
    if (this.end_time_ns !== null) return;
    if (end_time_ns !== undefined && typeof end_time_ns !== 'number') throw new Error('invalid span end time');
    if (end_time_ns !== undefined && end_time_ns < this.start_time_ns) return;
    this.end_time_ns = end_time_ns ?? timeNs();
    const tracer = this.tracer;
    if (this.active && tracer !== null && tracer.activeSpan === this) {
      tracer.activeSpan = this.parent;
      this.active = false;
    }
  }

  /** A null or undefined value removes the attribute (Kong: setting nil). */
  set_attribute(key: string, value: AttributeValue | null | undefined): void {
    if (typeof key !== 'string') throw new Error('invalid key');
    if (value === null || value === undefined) {
      if (this.attributes !== null) delete this.attributes[key];
      return;
    }
    (this.attributes ??= {})[key] = value;
  }

  add_event(name: string, attributes?: Attributes | null, time_ns?: number): void {
    if (typeof name !== 'string') throw new Error('invalid name');
    if (attributes !== undefined && attributes !== null && typeof attributes !== 'object') throw new Error('invalid attribute');
    (this.events ??= []).push(attributes ? { name, time_ns: time_ns ?? timeNs(), attributes } : { name, time_ns: time_ns ?? timeNs() });
  }

  record_error(err: unknown): void {
    this.add_event('exception', { 'exception.message': err instanceof Error ? err.message : String(err) });
  }

  set_status(status: number): void {
    if (typeof status !== 'number') throw new Error('invalid status');
    this.status = status;
  }
}

/** Kong's noop_span: what a tracer hands out where nothing is recorded. */
class NoopSpan extends Span {
  override readonly is_recording = false;
  override finish(): void {}
  override set_attribute(): void {}
  override add_event(): void {}
  override record_error(): void {}
  override set_status(): void {}
}
export const NOOP_SPAN: Span = Object.freeze(new NoopSpan(null, '0'.repeat(32), '0'.repeat(16), null, SPAN_KIND.INTERNAL, false, null));

/**
 * The request's tracing context (kong/observability/tracing/tracing_context.lua): the trace id the request
 * carries (the incoming one once a tracing plugin extracted it), its formats as injected, the trace flags,
 * and the balancer span made before the balancer ran so its id can be propagated.
 */
export interface TracingContext {
  rawTraceId: string | null;
  traceIdFormats: Record<string, string> | null;
  flags: number | null;
  unlinkedBalancer: Span | null;
}

/** When the lifecycle's steps began and ended (Kong's ctx.KONG_*_START / _ENDED_AT), wall-clock ns. */
export interface PhaseTimes {
  rewriteStart: number;
  rewriteEnd: number;
  accessStart: number | null;
  accessEnd: number | null;
  headerFilterStart: number | null;
  headerFilterEnd: number | null;
  /** The response was sent (Kong: KONG_BODY_FILTER_ENDED_AT). */
  responseEnd: number | null;
  /** When each balancer try began, in try order. */
  readonly balancerStarts: number[];
}

/**
 * kong.tracing (kong/pdk/tracing.lua) while nothing traces the request: Kong's noop tracer. It is the `kong`
 * object's default, shared by every request, so a request without a tracing plugin allocates nothing for it.
 */
export class NoopTracing {
  readonly name: string = 'noop';
  /** The request's tracing context and phase times; null where nothing is recorded. */
  readonly context: TracingContext | null = null;
  readonly timings: PhaseTimes | null = null;

  start_span(_name?: string, _options?: SpanOptions): Span {
    return NOOP_SPAN;
  }
  create_span(_options?: SpanOptions): Span {
    return NOOP_SPAN;
  }
  link_span(span: Span, _name?: string, _options?: SpanOptions): Span {
    return span;
  }
  active_span(): Span | null {
    return null;
  }
  set_active_span(_span?: Span | null): void {}
  process_span(_processor?: (span: Span) => void): void {}
  set_should_sample(_should_sample?: boolean): void {}
  get_sampling_decision(_parent_should_sample?: boolean | null, _sampling_rate?: number | null): boolean {
    return false;
  }
}

export const NOOP_TRACING: NoopTracing = Object.freeze(new NoopTracing());

/** Kong's tracing_sampling_rate default (kong.conf), for a trace no plugin rate applies to. */
export const DEFAULT_SAMPLING_RATE = 0.01;

const SAMPLING_BOUND = 2 ** 64;

/** A trace id and the span ids of a typical traced request (root, router, a few plugins, balancer). */
const RANDOM_BATCH = 16 + 8 * 10;

/**
 * Kong's trace-id based sampler: the trace id's first 8 bytes, read as the native (little-endian) uint64
 * Kong's FFI cast reads, below rate × 2^64. Rates ≥ 1 always sample, ≤ 0 never.
 */
export function sampleTrace(traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const head = Buffer.from(traceId.slice(0, 16), 'hex');
  if (head.length < 8) return false;
  return head.readBigUInt64LE(0) < BigInt(Math.floor(rate * SAMPLING_BOUND));
}

/**
 * kong.tracing for a request a tracing plugin (opentelemetry, zipkin) applies to: made by the lifecycle
 * (src/plugins/tracing/instrumentation.ts), which records Kong's spans through it — the request, the router,
 * each plugin's rewrite, access and header_filter, each balancer try — and read by the plugins in their phases.
 * Kong's functions and names; ids are hex. As Kong's noop tracer, no function fails outside its phases: span
 * functions do nothing there.
 */
export class RequestTracing extends Namespace {
  readonly name: string = 'instrument';
  readonly context: TracingContext = { rawTraceId: null, traceIdFormats: null, flags: null, unlinkedBalancer: null };
  readonly timings: PhaseTimes;
  /** Linked spans in creation order; the first is the request's root span. */
  readonly spans: Span[] = [];
  activeSpan: Span | null = null;
  // Random bytes for ids, drawn in one call per request rather than one per span.
  #random: Buffer | null = null;
  #used = 0;

  constructor(...args: ConstructorParameters<typeof Namespace>) {
    super(...args);
    const now = timeNs();
    this.timings = {
      rewriteStart: now,
      rewriteEnd: now,
      accessStart: null,
      accessEnd: null,
      headerFilterStart: null,
      headerFilterEnd: null,
      responseEnd: null,
      balancerStarts: [],
    };
  }

  start_span(name: string, options?: SpanOptions): Span {
    if (!TRACING_PHASES.has(enter(this, R.start_span).phase)) return NOOP_SPAN;
    if (typeof name !== 'string' || name.length === 0) throw new Error('invalid span name');
    return this.link_span(this.create_span(options), name, options);
  }

  /** A span with its ids and sampling decision, not yet among the request's spans (Kong: create_span). */
  create_span(options: SpanOptions = {}): Span {
    enter(this, R.create_span);
    const parent = options.parent !== undefined ? options.parent : this.activeSpan;
    const traceId = parent?.trace_id ?? options.trace_id ?? this.#id(16);
    // Kong: a child follows its parent's decision; a root span's is made when a tracing plugin decides.
    const sampled = parent?.should_sample ?? options.should_sample ?? null;
    const parentId = parent?.span_id ?? options.parent_id ?? null;
    return new Span(this, traceId, this.#id(8), parentId, options.span_kind ?? SPAN_KIND.INTERNAL, sampled, parent);
  }

  #id(bytes: number): string {
    if (this.#random === null || this.#used + bytes > this.#random.length) {
      this.#random = randomBytes(RANDOM_BATCH);
      this.#used = 0;
    }
    const id = this.#random.toString('hex', this.#used, this.#used + bytes);
    this.#used += bytes;
    return id;
  }

  /** Names a span, sets its start and attributes, and adds it to the request's spans. */
  link_span(span: Span, name: string, options: SpanOptions = {}): Span {
    enter(this, R.link_span);
    span.start_time_ns = options.start_time_ns ?? timeNs();
    if (options.attributes !== undefined) span.attributes = options.attributes;
    span.name = name;
    span.linked = true;
    this.spans.push(span);
    return span;
  }

  active_span(): Span | null {
    return TRACING_PHASES.has(enter(this, R.active_span).phase) ? this.activeSpan : null;
  }

  set_active_span(span: Span | null): void {
    if (!TRACING_PHASES.has(enter(this, R.set_active_span).phase)) return;
    if (span) span.active = true;
    this.activeSpan = span;
  }

  /** Calls `processor` with each span this tracer recorded (Kong: for the log phase, when spans are done). */
  process_span(processor: (span: Span) => void): void {
    enter(this, R.process_span);
    if (typeof processor !== 'function') throw new Error('processor must be a function');
    for (const span of this.spans) if (span.tracer === this) processor(span);
  }

  /** Sets every recording span's sampling decision (Kong: set_should_sample). */
  set_should_sample(should_sample: boolean): void {
    enter(this, R.set_should_sample);
    for (const span of this.spans) if (span.is_recording) span.should_sample = should_sample;
  }

  /**
   * Kong's get_sampling_decision: an incoming "not sampled" is followed; otherwise the trace id is sampled at
   * the plugin's rate (Kong's tracing_sampling_rate when it has none).
   */
  get_sampling_decision(parent_should_sample?: boolean | null, sampling_rate?: number | null): boolean {
    enter(this, R.get_sampling_decision);
    const traceId = this.context.rawTraceId;
    if (this.spans.length === 0) return false;
    if (parent_should_sample === false || traceId === null) return parent_should_sample === true;
    return sampleTrace(traceId, sampling_rate ?? DEFAULT_SAMPLING_RATE);
  }
}

export type Tracing = NoopTracing | RequestTracing;
