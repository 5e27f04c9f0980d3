/** W3C Trace Context (kong/observability/tracing/propagation/{extractors,injectors}/w3c.lua). */
import type { Extractor, Injector } from '../format.js';
import { single } from '../format.js';
import { fromHex, isZero } from '../ids.js';

const TRACEPARENT = /^([0-9a-fA-F]+)-([0-9a-fA-F]+)-([0-9a-fA-F]+)-([0-9a-fA-F]+)$/;

export const w3cExtractor: Extractor = {
  any: ['traceparent'],
  context(headers, warn) {
    const traceparent = single(headers, 'traceparent');
    if (traceparent === undefined || traceparent === '') return undefined;
    const m = TRACEPARENT.exec(traceparent);
    if (m === null) return void warn('invalid W3C traceparent header; ignoring.');
    const [, version, traceId, parentId, flags] = m as unknown as [string, string, string, string, string];
    // Kong reads version 00 only.
    if (version !== '00') return void warn('invalid W3C Trace Context version; ignoring.');
    if (traceId.length !== 32 || isZero(traceId)) return void warn('invalid W3C trace context trace ID; ignoring.');
    if (parentId.length !== 16 || isZero(parentId)) return void warn('invalid W3C trace context parent ID; ignoring.');
    if (flags.length !== 2) return void warn('invalid W3C trace context flags; ignoring.');
    const w3cFlags = parseInt(flags, 16);
    // The caller's span ("parent-id") is the receiver's parent: Kong calls it span_id.
    return { traceId: fromHex(traceId), spanId: fromHex(parentId), shouldSample: w3cFlags % 2 === 1, w3cFlags };
  },
};

export const w3cInjector: Injector = {
  name: 'w3c',
  needsIds: true,
  traceIdSizes: [16],
  headers: (ctx) => ({ traceparent: `00-${ctx.traceId}-${ctx.spanId}-${ctx.shouldSample ? '01' : '00'}` }),
  formattedTraceId: (traceId) => ({ w3c: traceId ?? '' }),
};
