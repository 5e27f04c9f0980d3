/** Datadog's x-datadog-* headers, decimal 64-bit ids (kong/observability/tracing/propagation/{extractors,injectors}/datadog.lua). */
import type { Extractor, Injector, TraceContext } from '../format.js';
import { fromDecimal, toDecimal } from '../ids.js';

const DECIMAL = /^\s*(\d+)\s*$/;

export const datadogExtractor: Extractor = {
  any: ['x-datadog-trace-id', 'x-datadog-parent-id', 'x-datadog-sampling-priority'],
  context(headers, warn) {
    const ctx: TraceContext = {};
    const priority = headers['x-datadog-sampling-priority'];
    if (priority === '1' || priority === '2') ctx.shouldSample = true;
    else if (priority === '0' || priority === '-1') ctx.shouldSample = false;
    else if (priority !== undefined) return void warn('x-datadog-sampling-priority header invalid; ignoring.');
    const id = (name: string): string | undefined => {
      const v = headers[name];
      if (v === undefined) return undefined;
      const m = typeof v === 'string' ? DECIMAL.exec(v) : null;
      if (m === null) return void warn(`${name} header invalid; ignoring.`);
      return m[1];
    };
    const traceId = id('x-datadog-trace-id');
    const parentId = id('x-datadog-parent-id');
    if (traceId !== undefined) {
      ctx.traceId = fromDecimal(traceId);
      // The caller's span: the receiver's parent (Kong's span_id).
      if (parentId !== undefined) ctx.spanId = fromDecimal(parentId);
    }
    return ctx;
  },
};

export const datadogInjector: Injector = {
  name: 'datadog',
  needsIds: false,
  // Kong writes 64-bit trace ids only (no _dd.p.tid).
  traceIdSizes: [8],
  headers(ctx) {
    const out: Record<string, string> = {};
    if (ctx.traceId !== undefined) out['x-datadog-trace-id'] = toDecimal(ctx.traceId);
    if (ctx.spanId !== undefined) out['x-datadog-parent-id'] = toDecimal(ctx.spanId);
    if (ctx.shouldSample !== undefined) out['x-datadog-sampling-priority'] = ctx.shouldSample ? '1' : '0';
    return out;
  },
  formattedTraceId: (traceId): Record<string, string> => (traceId === undefined ? {} : { datadog: toDecimal(traceId) }),
};
