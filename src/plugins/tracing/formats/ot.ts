/** OpenTracing's ot-tracer-* and ot-baggage-* headers (kong/observability/tracing/propagation/{extractors,injectors}/ot.lua). */
import type { Extractor, Injector, TraceContext } from '../format.js';
import { fromHex, isHex } from '../ids.js';
import { readBaggage, writeBaggage } from './baggage.js';

const BAGGAGE = 'ot-baggage-';

export const otExtractor: Extractor = {
  any: ['ot-tracer-sampled', 'ot-tracer-traceid', 'ot-tracer-spanid'],
  context(headers, warn) {
    const ctx: TraceContext = {};
    const sampled = headers['ot-tracer-sampled'];
    if (sampled === '1' || sampled === 'true') ctx.shouldSample = true;
    else if (sampled === '0' || sampled === 'false') ctx.shouldSample = false;
    else if (sampled !== undefined) warn('ot-tracer-sampled header invalid; ignoring.');
    let invalid = false;
    const traceId = headers['ot-tracer-traceid'];
    const spanId = headers['ot-tracer-spanid'];
    if (traceId !== undefined && (typeof traceId !== 'string' || (traceId.length !== 16 && traceId.length !== 32) || !isHex(traceId))) {
      warn('ot-tracer-traceid header invalid; ignoring.');
      invalid = true;
    }
    if (spanId !== undefined && (typeof spanId !== 'string' || spanId.length !== 16 || !isHex(spanId))) {
      warn('ot-tracer-spanid header invalid; ignoring.');
      invalid = true;
    }
    // Kong: one bad id drops both.
    if (typeof traceId === 'string' && !invalid) {
      ctx.traceId = fromHex(traceId);
      if (typeof spanId === 'string') ctx.spanId = fromHex(spanId);
    }
    const baggage = readBaggage(headers, BAGGAGE);
    if (baggage !== undefined) ctx.baggage = baggage;
    return ctx;
  },
};

export const otInjector: Injector = {
  name: 'ot',
  needsIds: true,
  traceIdSizes: [8, 16],
  headers(ctx) {
    const out: Record<string, string> = { 'ot-tracer-traceid': ctx.traceId!, 'ot-tracer-spanid': ctx.spanId! };
    if (ctx.shouldSample !== undefined) out['ot-tracer-sampled'] = ctx.shouldSample ? '1' : '0';
    writeBaggage(out, BAGGAGE, ctx.baggage);
    return out;
  },
  formattedTraceId: (traceId) => ({ ot: traceId ?? '' }),
};
