/**
 * kong.tracing for Lua code. Kong's spans are tables with methods called with a colon (`span:finish()`,
 * `span:set_attribute("k", v)`, kong/pdk/tracing.lua span_mt); sluice's are JS objects (src/pdk/tracing.ts),
 * which cannot cross into Lua as data. So a span crosses as a handle, `{ __sluice_span = id }`, that the prelude
 * gives the span metatable (methods taking self, fields read through), and a handle coming back (link_span's
 * span, set_active_span's, an options.parent) is the JS span again. Handles are looked up in the request's
 * scope, so a span kept past its request is refused instead of touching another request's trace.
 */
import { Span } from '../../../pdk/tracing.js';
import type { HostCall, HostOp } from './engine.js';

const KEY = '__sluice_span';
type Handle = { readonly [KEY]: number };

// One id per span for the process (spans are per request; ids are never reused, so Lua's cache of wrapped
// handles cannot mix requests up).
const ids = new WeakMap<Span, number>();
let nextId = 0;

function handle(span: Span, call: HostCall): Handle {
  let id = ids.get(span);
  if (id === undefined) ids.set(span, (id = ++nextId));
  (call.scope.spans ??= new Map()).set(id, span);
  return { [KEY]: id };
}

function spanOf(id: unknown, call: HostCall): Span {
  const span = typeof id === 'number' ? call.scope.spans?.get(id) : undefined;
  if (span === undefined) throw new Error('not a span of this request');
  return span;
}

function isHandle(v: unknown): v is Handle {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[KEY] === 'number';
}

/** A Lua argument as the PDK takes it: handles (also an options table's `parent`) become their spans. */
function fromLua(v: unknown, call: HostCall): unknown {
  if (isHandle(v)) return spanOf(v[KEY], call);
  if (typeof v === 'object' && v !== null && isHandle((v as { parent?: unknown }).parent)) {
    return { ...v, parent: spanOf((v as { parent: Handle }).parent[KEY], call) };
  }
  return v;
}

const toLua = (v: unknown, call: HostCall): unknown => (v instanceof Span ? handle(v, call) : v);

// The kong.tracing functions the prelude wraps (their errors are reported one level further up, at the caller).
const WRAPPED = new Set(['start_span', 'create_span', 'link_span', 'active_span', 'process_span']);

/** kong.tracing.<method>: spans in and out as handles. */
export function tracingOp(name: string): HostOp {
  const method = name.slice('kong.tracing.'.length);
  const level = WRAPPED.has(method) ? 2 : 1;
  if (method === 'process_span') {
    // The processor is a Lua function: the prelude calls it with each span this op lists.
    return {
      name,
      level,
      fn: (_args, call) => {
        const out: Handle[] = [];
        call.kong.tracing.process_span((span) => out.push(handle(span, call)));
        return out;
      },
    };
  }
  return {
    name,
    level,
    fn: (args, call) => {
      const tracing = call.kong.tracing as unknown as Record<string, (...a: unknown[]) => unknown>;
      return toLua(tracing[method]!.apply(call.kong.tracing, args.map((a) => fromLua(a, call))), call);
    },
  };
}

/** Kong's span methods (span_mt); the prelude passes the handle's id first. */
export const SPAN_METHODS = ['finish', 'set_attribute', 'add_event', 'record_error', 'set_status'] as const;

/** Kong's span fields Lua code reads (ids as lowercase hex, as sluice keeps them; Kong's are raw bytes). */
const SPAN_FIELDS = new Set([
  'name',
  'trace_id',
  'span_id',
  'parent_id',
  'start_time_ns',
  'end_time_ns',
  'kind',
  'should_sample',
  'attributes',
  'events',
  'status',
  'is_recording',
  'linked',
  'parent',
]);

export function spanOps(): HostOp[] {
  return [
    {
      name: 'span.call',
      level: 2,
      fn: ([id, method, ...rest], call) => {
        const span = spanOf(id, call);
        if (!(SPAN_METHODS as readonly unknown[]).includes(method)) throw new Error(`span has no method '${String(method)}'`);
        const fn = span[method as (typeof SPAN_METHODS)[number]] as (...a: unknown[]) => unknown;
        return toLua(fn.apply(span, rest), call);
      },
    },
    {
      name: 'span.get',
      level: 2,
      fn: ([id, field], call) => {
        const span = spanOf(id, call);
        return typeof field === 'string' && SPAN_FIELDS.has(field) ? toLua(span[field as keyof Span], call) : undefined;
      },
    },
  ];
}
