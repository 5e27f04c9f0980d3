/** AWS X-Ray's X-Amzn-Trace-Id (kong/observability/tracing/propagation/{extractors,injectors}/aws.lua). */
import type { Extractor, Injector, TraceContext } from '../format.js';
import { single } from '../format.js';
import { fromHex, isHex } from '../ids.js';

// Root=1-<8 hex: epoch seconds>-<24 hex>: the two parts make a 16-byte trace id.
const ROOT = /^1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})$/;

export const awsExtractor: Extractor = {
  any: ['x-amzn-trace-id'],
  context(headers, warn) {
    const header = single(headers, 'x-amzn-trace-id');
    if (header === undefined) return undefined;
    const ctx: TraceContext = {};
    // Key=value pairs; keys other than Root, Parent and Sampled are ignored.
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
      const value = eq < 0 ? '' : pair.slice(eq + 1).trim();
      if (key === 'Root') {
        const m = ROOT.exec(value);
        if (m === null) return void warn('invalid aws header trace id; ignoring.');
        ctx.traceId = fromHex(m[1]! + m[2]!);
      } else if (key === 'Parent') {
        if (value.length !== 16 || !isHex(value)) return void warn('invalid aws header parent id; ignoring.');
        ctx.spanId = fromHex(value);
      } else if (key === 'Sampled') {
        if (value !== '0' && value !== '1') return void warn('invalid aws header sampled flag; ignoring.');
        ctx.shouldSample = value === '1';
      }
    }
    return ctx;
  },
};

export const awsInjector: Injector = {
  name: 'aws',
  needsIds: true,
  traceIdSizes: [16],
  headers: (ctx) => ({
    'x-amzn-trace-id': `Root=1-${ctx.traceId!.slice(0, 8)}-${ctx.traceId!.slice(8)};Parent=${ctx.spanId};Sampled=${ctx.shouldSample ? '1' : '0'}`,
  }),
  formattedTraceId: (traceId) => ({ aws: traceId ?? '' }),
};
