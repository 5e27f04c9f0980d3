/** Instana's x-instana-t/-s/-l headers (kong/observability/tracing/propagation/{extractors,injectors}/instana.lua). */
import type { Extractor, Injector, TraceContext } from '../format.js';
import { single } from '../format.js';
import { fromHex } from '../ids.js';

const LEADING_HEX = /^[0-9a-fA-F]+/;

export const instanaExtractor: Extractor = {
  any: ['x-instana-t', 'x-instana-s', 'x-instana-l'],
  context(headers, warn) {
    const t = single(headers, 'x-instana-t');
    if (t === undefined) return undefined;
    const traceId = LEADING_HEX.exec(t)?.[0];
    // Kong warns about an odd trace id length and still uses it.
    if (traceId === undefined || (traceId.length !== 16 && traceId.length !== 32)) warn('x-instana-t header invalid; ignoring.');
    const s = single(headers, 'x-instana-s');
    if (s === undefined) return undefined;
    const spanId = LEADING_HEX.exec(s)?.[0];
    if (spanId === undefined) warn('x-instana-s header invalid; ignoring.');
    // x-instana-l: "0", "1", or "1,correlationType=…": the first character decides.
    const ctx: TraceContext = { shouldSample: single(headers, 'x-instana-l')?.charAt(0) === '1' };
    if (traceId !== undefined) ctx.traceId = fromHex(traceId);
    if (spanId !== undefined) ctx.spanId = fromHex(spanId);
    return ctx;
  },
};

export const instanaInjector: Injector = {
  name: 'instana',
  needsIds: false,
  traceIdSizes: [16, 8],
  headers(ctx) {
    const out: Record<string, string> = {};
    if (ctx.traceId !== undefined) out['x-instana-t'] = ctx.traceId;
    if (ctx.spanId !== undefined) out['x-instana-s'] = ctx.spanId;
    if (ctx.shouldSample !== undefined) out['x-instana-l'] = ctx.shouldSample ? '1' : '0';
    return out;
  },
  formattedTraceId: (traceId) => ({ instana: traceId ?? '' }),
};
