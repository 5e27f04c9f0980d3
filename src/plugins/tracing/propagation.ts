/**
 * Kong's tracing header propagation (kong/observability/tracing/propagation/init.lua), shared by the
 * opentelemetry and zipkin plugins: extract the incoming context with the first extractor that finds one,
 * let the plugin turn it into the outgoing context, clear configured headers, inject with every injector.
 */
import type { Pdk } from '../../pdk/kong.js';
import { extractWith, holdsAnything, injectWith, type TraceContext } from './format.js';
import { EXTRACTORS, type ExtractFormat, INJECTORS, type InjectFormat } from './formats.js';

/** The `propagation` record (kong/observability/tracing/propagation/schema.lua). */
export interface PropagationConfig {
  readonly extract?: readonly ExtractFormat[] | null;
  readonly inject?: readonly (InjectFormat | 'preserve')[] | null;
  readonly clear?: readonly string[] | null;
  readonly default_format: InjectFormat;
}

/** The deprecated fields propagation replaces. */
export interface LegacyPropagationFields {
  readonly header_type?: string | null;
  readonly default_header_type?: string | null;
}

/** What a plugin instance propagates, resolved once at load. */
export interface Propagation {
  readonly extract: readonly ExtractFormat[] | null;
  readonly inject: readonly (InjectFormat | 'preserve')[] | null;
  readonly clear: readonly string[];
  readonly defaultFormat: InjectFormat;
}

// The extraction order of Kong's old propagation module, which header_type maps onto.
const LEGACY_EXTRACT: readonly ExtractFormat[] = ['b3', 'w3c', 'jaeger', 'ot', 'datadog', 'aws', 'gcp', 'instana'];

const isSet = (v: readonly unknown[] | null | undefined): boolean => v !== undefined && v !== null;

/**
 * Kong's get_plugin_params: a propagation record with extract, inject or clear set is used as it is; otherwise
 * the legacy header_type (and zipkin's default_header_type) are mapped onto it.
 */
export function pluginPropagation(config: { propagation: PropagationConfig } & LegacyPropagationFields): Propagation {
  const p = config.propagation;
  const asIs = (defaultFormat = p.default_format): Propagation => ({
    extract: p.extract ?? null,
    inject: p.inject ?? null,
    clear: p.clear ?? [],
    defaultFormat,
  });
  if (isSet(p.extract) || isSet(p.inject) || isSet(p.clear)) return asIs();
  const defaultFormat = (config.default_header_type ?? p.default_format) as InjectFormat;
  const headerType = config.header_type;
  if (headerType === undefined || headerType === null) return asIs(defaultFormat);
  if (headerType === 'preserve') return { extract: LEGACY_EXTRACT, inject: ['preserve'], clear: [], defaultFormat };
  if (headerType === 'ignore') return { extract: null, inject: [defaultFormat], clear: [], defaultFormat };
  // The old module injected the format it found and the configured one.
  return { extract: LEGACY_EXTRACT, inject: ['preserve', headerType as InjectFormat], clear: [], defaultFormat };
}

export interface Extracted {
  readonly ctx: TraceContext;
  /** The format it came in (Kong: kong.ctx.plugin.extracted_from), null when none was found. */
  readonly from: ExtractFormat | null;
}

/** The incoming context: the first configured extractor that finds anything wins. */
export function extract(kong: Pdk, p: Propagation): Extracted {
  if (p.extract === null || p.extract.length === 0) return { ctx: {}, from: null };
  const headers = kong.request.get_headers();
  const warn = (m: string) => kong.log.warn(m);
  for (const format of p.extract) {
    const ctx = extractWith(EXTRACTORS[format], headers, warn);
    if (holdsAnything(ctx)) return { ctx, from: format };
  }
  return { ctx: {}, from: null };
}

/**
 * Kong's propagate: extract, let the plugin make the outgoing context from the incoming one, clear, inject.
 * The trace id as every injected format writes it goes to kong.log.serialize()'s `trace_id`.
 */
export function propagate(kong: Pdk, p: Propagation, outgoing: (incoming: Extracted) => TraceContext): void {
  const incoming = extract(kong, p);
  const ctx = outgoing(incoming);
  for (const name of p.clear) kong.service.request.clear_header(name);
  if (p.inject === null) return;
  const errors: string[] = [];
  let formats: Record<string, string> | null = null;
  for (const name of p.inject) {
    let format: InjectFormat = name === 'preserve' ? (incoming.from ?? p.defaultFormat) : name;
    // One b3 extractor, two injectors: preserve writes what came.
    if (name === 'preserve' && format === 'b3' && ctx.singleHeader === true) format = 'b3-single';
    const out = injectWith(INJECTORS[format], ctx);
    if (typeof out === 'string') {
      errors.push(out);
      continue;
    }
    for (const h in out.headers) kong.service.request.set_header(h, out.headers[h]);
    formats = addTraceIdFormats(kong, out.formatted);
  }
  // Kong: a failed injector leaves trace_id unset and is logged instead.
  if (errors.length > 0) kong.log.err(errors.join(', '));
  else if (formats !== null) kong.log.set_serialize_value('trace_id', formats);
}

/** Kong's tracing_context.add_trace_id_formats: formats injected by every plugin of the request, merged. */
function addTraceIdFormats(kong: Pdk, formatted: Record<string, string>): Record<string, string> {
  const context = kong.tracing.context;
  if (context === null) return formatted;
  context.traceIdFormats = { ...context.traceIdFormats, ...formatted };
  return context.traceIdFormats;
}
