/** Jaeger's uber-trace-id and uberctx-* baggage (kong/observability/tracing/propagation/{extractors,injectors}/jaeger.lua). */
import type { Extractor, Injector } from '../format.js';
import { single } from '../format.js';
import { fromHex, isZero } from '../ids.js';
import { readBaggage, writeBaggage } from './baggage.js';

const UBER_TRACE_ID = /^([0-9a-fA-F]+):([0-9a-fA-F]+):([0-9a-fA-F]+):([0-9a-fA-F]+)$/;
const BAGGAGE = 'uberctx-';

export const jaegerExtractor: Extractor = {
  any: ['uber-trace-id'],
  context(headers, warn) {
    const header = single(headers, 'uber-trace-id');
    if (header === undefined || header === '') return undefined;
    const m = UBER_TRACE_ID.exec(header);
    if (m === null) return void warn('invalid jaeger uber-trace-id header; ignoring.');
    const [, traceId, spanId, parentId, flags] = m as unknown as [string, string, string, string, string];
    if (traceId.length > 32 || isZero(traceId)) return void warn('invalid jaeger trace ID; ignoring.');
    // Kong: a bad parent id is only worth a warning (Jaeger clients send 0 for none).
    if (parentId.length !== 16 && !isZero(parentId)) warn('invalid jaeger parent ID; ignoring.');
    if (spanId.length > 16 || isZero(spanId)) return void warn('invalid jaeger span ID; ignoring.');
    if (flags.length !== 1 && flags.length !== 2) return void warn('invalid jaeger flags; ignoring.');
    const ctx = {
      traceId: fromHex(traceId),
      spanId: fromHex(spanId),
      parentId: fromHex(parentId),
      reuseSpanId: true,
      shouldSample: parseInt(flags, 16) % 2 === 1,
    };
    const baggage = readBaggage(headers, BAGGAGE);
    return baggage === undefined ? ctx : { ...ctx, baggage };
  },
};

export const jaegerInjector: Injector = {
  name: 'jaeger',
  needsIds: true,
  traceIdSizes: [16, 8],
  headers(ctx) {
    const out = { 'uber-trace-id': `${ctx.traceId}:${ctx.spanId}:${ctx.parentId ?? '0'}:${ctx.shouldSample ? '01' : '00'}` };
    writeBaggage(out, BAGGAGE, ctx.baggage);
    return out;
  },
  formattedTraceId: (traceId) => ({ jaeger: traceId ?? '' }),
};
