/** Google Cloud's X-Cloud-Trace-Context (kong/observability/tracing/propagation/{extractors,injectors}/gcp.lua). */
import type { Extractor, Injector } from '../format.js';
import { single } from '../format.js';
import { fromDecimal, toDecimal } from '../ids.js';

// <32 lowercase hex trace id>/<decimal span id>[;o=<flag>]
const CONTEXT = /^([0-9a-f]{32})\/([0-9]{1,20})(;o=([0-9]))?$/;

export const gcpExtractor: Extractor = {
  any: ['x-cloud-trace-context'],
  context(headers, warn) {
    const header = single(headers, 'x-cloud-trace-context');
    if (header === undefined) return undefined;
    const m = CONTEXT.exec(header);
    if (m === null) return void warn('invalid GCP header; ignoring.');
    return { traceId: m[1]!, spanId: fromDecimal(m[2]!), shouldSample: m[4] === '1' };
  },
};

export const gcpInjector: Injector = {
  name: 'gcp',
  needsIds: true,
  traceIdSizes: [16],
  headers: (ctx) => ({ 'x-cloud-trace-context': `${ctx.traceId}/${toDecimal(ctx.spanId!)};o=${ctx.shouldSample ? '1' : '0'}` }),
  formattedTraceId: (traceId) => ({ gcp: traceId ?? '' }),
};
