/**
 * Zipkin's B3, multi-header and single-header (kong/observability/tracing/propagation/extractors/b3.lua,
 * injectors/b3.lua, injectors/b3-single.lua). One extractor reads both; the single header wins where both are
 * sent, and `tracestate: b3=…` stands for a missing `b3` header.
 */
import type { Extractor, Injector, RequestHeaders, TraceContext, Warn } from '../format.js';
import { fromHex, isHex } from '../ids.js';

const SINGLE = /^([0-9a-fA-F]+)-([0-9a-fA-F]{16})-?([01d]?)-?([0-9a-fA-F]*)$/;

interface Read {
  traceId?: string;
  spanId?: string;
  parentId?: string;
  shouldSample?: boolean;
  flags?: string;
  invalid: boolean;
}

function singleHeader(headers: RequestHeaders, warn: Warn): Read | undefined {
  let b3 = headers.b3;
  if (b3 === undefined) {
    // Node joins repeated tracestate headers with ", ": each member is one value to Kong.
    const tracestate = headers.tracestate;
    const values = tracestate === undefined ? [] : (typeof tracestate === 'string' ? [tracestate] : tracestate).flatMap((v) => v.split(/\s*,\s*/));
    for (const v of values) {
      const m = /^b3=(.+)$/.exec(v);
      if (m !== null) {
        b3 = m[1]!;
        break;
      }
    }
  }
  if (typeof b3 !== 'string') return undefined;
  if (b3 === '1' || b3 === 'd') return b3 === 'd' ? { shouldSample: true, flags: '1', invalid: false } : { shouldSample: true, invalid: false };
  if (b3 === '0') return { shouldSample: false, invalid: false };
  const m = SINGLE.exec(b3);
  const traceLen = m?.[1]?.length ?? 0;
  const parent = m?.[4] ?? '';
  if (m === null || (traceLen !== 16 && traceLen !== 32) || (parent !== '' && parent.length !== 16)) {
    warn('b3 single header invalid; ignoring.');
    return { invalid: true };
  }
  const out: Read = { traceId: m[1]!, spanId: m[2]!, invalid: false };
  if (m[3] === '1' || m[3] === 'd') out.shouldSample = true;
  else if (m[3] === '0') out.shouldSample = false;
  if (m[3] === 'd') out.flags = '1';
  if (parent !== '') out.parentId = parent;
  return out;
}

function multiHeader(headers: RequestHeaders, warn: Warn): Read {
  const out: Read = { invalid: false };
  const sampled = headers['x-b3-sampled'];
  if (sampled === '1' || sampled === 'true') out.shouldSample = true;
  else if (sampled === '0' || sampled === 'false') out.shouldSample = false;
  else if (sampled !== undefined) warn('x-b3-sampled header invalid; ignoring.');
  // X-B3-Flags: 1 overrides the sampling decision.
  const flags = headers['x-b3-flags'];
  if (flags === '1') out.shouldSample = true;
  else if (flags !== undefined) warn('x-b3-flags header invalid; ignoring.');
  if (typeof flags === 'string') out.flags = flags;
  const id = (name: string, sizes: readonly number[]): string | undefined => {
    const v = headers[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !sizes.includes(v.length) || !isHex(v)) {
      warn(`${name} header invalid; ignoring.`);
      out.invalid = true;
      return undefined;
    }
    return v;
  };
  const traceId = id('x-b3-traceid', [16, 32]);
  const spanId = id('x-b3-spanid', [16]);
  const parentId = id('x-b3-parentspanid', [16]);
  if (traceId !== undefined) out.traceId = traceId;
  if (spanId !== undefined) out.spanId = spanId;
  if (parentId !== undefined) out.parentId = parentId;
  return out;
}

export const b3Extractor: Extractor = {
  any: ['b3', 'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags'],
  context(headers, warn) {
    let traceId: string | undefined;
    let spanId: string | undefined;
    let parentId: string | undefined;
    let shouldSample: boolean | undefined;
    let flags: string | undefined;
    const one = singleHeader(headers, warn);
    if (one !== undefined) {
      shouldSample = one.shouldSample;
      flags = one.flags;
      if (!one.invalid) ({ traceId, spanId, parentId } = one);
    }
    const multi = multiHeader(headers, warn);
    shouldSample ??= multi.shouldSample;
    flags ??= multi.flags;
    if (!multi.invalid) {
      traceId ??= multi.traceId;
      spanId ??= multi.spanId;
      parentId ??= multi.parentId;
    }
    const ctx: TraceContext = { reuseSpanId: true };
    // Without a trace id the span ids mean nothing.
    if (traceId !== undefined) {
      ctx.traceId = fromHex(traceId);
      if (spanId !== undefined) ctx.spanId = fromHex(spanId);
      if (parentId !== undefined) ctx.parentId = fromHex(parentId);
    }
    if (shouldSample !== undefined) ctx.shouldSample = shouldSample;
    if (flags !== undefined) ctx.flags = flags;
    if (one !== undefined) ctx.singleHeader = true;
    return ctx;
  },
};

const b3TraceId = (traceId: string | undefined) => ({ b3: traceId ?? '' });

export const b3Injector: Injector = {
  name: 'b3',
  needsIds: false,
  traceIdSizes: [16, 8],
  headers(ctx) {
    const out: Record<string, string> = {};
    if (ctx.traceId !== undefined && ctx.spanId !== undefined) {
      out['x-b3-traceid'] = ctx.traceId;
      out['x-b3-spanid'] = ctx.spanId;
      if (ctx.parentId !== undefined) out['x-b3-parentspanid'] = ctx.parentId;
    }
    if (ctx.flags !== undefined) out['x-b3-flags'] = ctx.flags;
    else out['x-b3-sampled'] = ctx.shouldSample ? '1' : '0';
    return out;
  },
  formattedTraceId: b3TraceId,
};

export const b3SingleInjector: Injector = {
  name: 'b3-single',
  needsIds: false,
  traceIdSizes: [16, 8],
  headers(ctx) {
    const sampled = ctx.flags === '1' ? 'd' : ctx.shouldSample === true ? '1' : ctx.shouldSample === false ? '0' : undefined;
    // Without ids only the sampling decision goes (B3's "deny/accept" single header).
    if (ctx.traceId === undefined || ctx.spanId === undefined) return { b3: sampled ?? '0' };
    return {
      b3: `${ctx.traceId}-${ctx.spanId}${sampled !== undefined ? `-${sampled}` : ''}${ctx.parentId !== undefined ? `-${ctx.parentId}` : ''}`,
    };
  },
  formattedTraceId: b3TraceId,
};
