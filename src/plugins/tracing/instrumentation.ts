/**
 * Kong's tracing instrumentations (kong/observability/tracing/instrumentation.lua, the "all" set: request,
 * router, plugin_rewrite, plugin_access, plugin_header_filter, balancer) as hooks the request lifecycle calls
 * (src/proxy/plugin-flow.ts, handler.ts). They record only for a request whose plugins include a tracing plugin:
 * Kong records whenever kong.conf enables instrumentations, sluice has no kong.conf and records where a plugin
 * will read the spans. Any other request passes one name check per plugin and allocates nothing.
 */
import type { Pdk } from '../../pdk/kong.js';
import type { PdkEnvironment } from '../../pdk/namespace.js';
import type { RequestState } from '../../pdk/state.js';
import { RequestTracing, SPAN_KIND, SPAN_STATUS, type Span, timeNs } from '../../pdk/tracing.js';
import type { PluginChain, PluginInstance, PluginSlot } from '../chain.js';
import { type ChainPhase, runCollecting, runResponsePhase } from '../runner.js';

/** The plugins that read the request's spans. */
const TRACING_PLUGINS: ReadonlySet<string> = new Set(['opentelemetry', 'zipkin']);

function tracedChain(chain: PluginChain): boolean {
  const slots = chain.slots;
  for (let i = 0; i < slots.length; i++) if (TRACING_PLUGINS.has(slots[i]!.name)) return true;
  return false;
}

/** kong.tracing when the request is being traced, else null. */
export function recording(kong: Pdk): RequestTracing | null {
  const t = kong.tracing;
  return t instanceof RequestTracing ? t : null;
}

/**
 * The request begins (routing is done: sluice routes before rewrite): when `chain` has a tracing plugin,
 * kong.tracing becomes a recording tracer with the root span (`kong`, from the request's start), the router
 * span, and the balancer span made in advance so access-phase propagation can send its id upstream.
 */
export function beginTracing(kong: Pdk, state: RequestState, env: PdkEnvironment, chain: PluginChain, routed: boolean): void {
  if (!tracedChain(chain)) return;
  const tracer = new RequestTracing(state, env);
  kong.tracing = tracer;
  const req = kong.request;
  const scheme = req.get_scheme();
  const host = req.get_host();
  const root = tracer.start_span('kong', {
    span_kind: SPAN_KIND.SERVER,
    start_time_ns: timeNs(state.startedAt),
    attributes: {
      'http.method': req.get_method(),
      'http.url': `${scheme}://${host}${req.get_path_with_query()}`,
      'http.host': host,
      'http.scheme': scheme,
      'http.flavor': req.get_http_version().toFixed(1),
      'net.peer.ip': kong.client.get_ip(),
      'kong.request.id': state.requestId,
    },
  });
  tracer.set_active_span(root);
  tracer.context.rawTraceId = root.trace_id;
  const router = tracer.start_span('kong.router', { start_time_ns: timeNs(state.startedAt) });
  if (!routed) router.set_status(SPAN_STATUS.ERROR);
  router.finish();
  tracer.context.unlinkedBalancer = tracer.create_span({ span_kind: SPAN_KIND.CLIENT, parent: root });
}

/** Whether the chain step for `slot` will run a handler (as runCollecting picks the instance). */
function handlerFor(slot: PluginSlot, phase: ChainPhase, state: RequestState): PluginInstance | null {
  if (state.exit !== null) return null;
  const consumerId = state.consumer?.id;
  const inst = (consumerId !== undefined && slot.byConsumer?.get(consumerId)) || slot.base;
  return inst !== null && inst.handlers[phase] !== undefined ? inst : null;
}

function failed(span: Span | null, err: unknown): void {
  if (span === null) return;
  span.record_error(err);
  span.set_status(SPAN_STATUS.ERROR);
  span.finish();
}

/**
 * runCollecting for a traced request: one plugin at a time, each handler that runs inside its span
 * (`kong.rewrite.plugin.<name>`, `kong.access.plugin.<name>`); a plugin that fails marks its span as failed.
 */
export function runTracedChain(
  tracer: RequestTracing,
  phase: 'rewrite' | 'access',
  chain: PluginChain,
  state: RequestState,
  kong: Pdk,
  collected: PluginInstance[] | null,
): void | Promise<void> {
  const slots = phase === 'access' ? chain.accessSlots : chain.slots;
  const timings = tracer.timings;
  if (phase === 'access') timings.accessStart = timeNs();
  else timings.rewriteStart = timeNs();
  const done = () => {
    if (phase === 'access') timings.accessEnd = timeNs();
    else timings.rewriteEnd = timeNs();
  };
  const step = (from: number): void | Promise<void> => {
    for (let i = from; i < slots.length; i++) {
      const slot = slots[i]!;
      const one: PluginChain = { ...chain, slots: [slot], accessSlots: [slot] };
      let span: Span | null = null;
      if (handlerFor(slot, phase, state) !== null) {
        span = tracer.start_span(`kong.${phase}.plugin.${slot.name}`);
        tracer.set_active_span(span);
      }
      let pending: void | Promise<void>;
      try {
        pending = runCollecting(phase, one, state, kong, collected);
      } catch (err) {
        failed(span, err);
        throw err;
      }
      if (pending !== undefined) {
        return pending.then(
          () => {
            span?.finish();
            return step(i + 1);
          },
          (err: unknown) => {
            failed(span, err);
            throw err;
          },
        );
      }
      span?.finish();
    }
    done();
  };
  return step(0);
}

/**
 * header_filter (and body_filter) for a traced request: the root span gets the status and route first
 * (Kong: runloop_before_header_filter), then each header_filter handler runs in its
 * `kong.header_filter.plugin.<name>` span.
 */
export function runTracedResponsePhase(
  tracer: RequestTracing,
  phase: 'header_filter' | 'body_filter',
  instances: readonly PluginInstance[],
  state: RequestState,
  kong: Pdk,
): void {
  if (phase === 'body_filter') return runResponsePhase(phase, instances, state, kong);
  const timings = tracer.timings;
  timings.headerFilterStart = timeNs();
  const root = tracer.spans[0];
  if (root !== undefined) {
    root.set_attribute('http.status_code', state.responseStatus);
    root.set_attribute('http.route', state.route?.entity.paths?.[0] ?? '');
  }
  for (const inst of instances) {
    if (inst.handlers.header_filter === undefined) continue;
    const span = tracer.start_span(`kong.header_filter.plugin.${inst.name}`);
    tracer.set_active_span(span);
    try {
      runResponsePhase(phase, [inst], state, kong);
    } catch (err) {
      failed(span, err);
      throw err;
    }
    span.finish();
  }
  timings.headerFilterEnd = timeNs();
}

/** A balancer try begins (Kong: balancer_data.tries[i].balancer_start). */
export function balancerTryStarted(tracer: RequestTracing): void {
  tracer.timings.balancerStarts.push(timeNs());
}

/**
 * Before the log phase (Kong: runloop_log_before): one `kong.balancer` span per try — a failed try ends when
 * the next began, the last one when the response was sent, and it is the span made in advance (whose id went
 * upstream) unless it failed — then the root span ends.
 */
export function beforeLog(tracer: RequestTracing, state: RequestState, kong: Pdk): void {
  const end = timeNs();
  tracer.timings.responseEnd = end;
  const root = tracer.spans[0];
  if (root === undefined) return;
  tracer.set_active_span(root);
  root.set_attribute('http.client_ip', kong.client.get_forwarded_ip());
  const tries = state.tries ?? [];
  const starts = tracer.timings.balancerStarts;
  const hostname = state.service?.host;
  for (let i = 0; i < tries.length; i++) {
    const t = tries[i]!;
    const last = i === tries.length - 1;
    const options = {
      span_kind: SPAN_KIND.CLIENT,
      start_time_ns: starts[i] ?? end,
      attributes: { try_count: i + 1, 'net.peer.ip': t.ip, 'net.peer.port': t.port },
    };
    const advance = tracer.context.unlinkedBalancer;
    const span = last && t.state === undefined && advance !== null && !advance.linked ? tracer.link_span(advance, 'kong.balancer', options) : tracer.start_span('kong.balancer', options);
    if (t.state !== undefined) {
      span.set_attribute('http.status_code', t.code);
      span.set_status(SPAN_STATUS.ERROR);
    }
    if (hostname !== undefined) span.set_attribute('net.peer.name', hostname);
    span.finish(last ? end : (starts[i + 1] ?? end));
  }
  root.finish(end);
}
