import { PHASE_BIT, PHASE_NAMES, PHASES, type PhaseName } from './phases.js';

// Kong's phase sets (kong/pdk/private/phases.lua and each function's check_phase), restricted to the phases
// sluice has. Kong's balancer, response, error and admin_api phases do not exist here. ws_handshake is the
// access phase of WebSocket routes (Kong Enterprise), so whatever access allows, it allows; the frame and close
// phases allow what reads the request and the context.
const WS_FRAMES: readonly PhaseName[] = ['ws_client_frame', 'ws_upstream_frame', 'ws_close'];
const ALL = PHASE_NAMES;
/** Kong's PHASES.request alias: every phase of a request. */
const REQUEST: readonly PhaseName[] = ['rewrite', 'access', 'header_filter', 'body_filter', 'log', 'ws_handshake', ...WS_FRAMES];
const REWRITE_ACCESS: readonly PhaseName[] = ['rewrite', 'access', 'ws_handshake'];
const ACCESS: readonly PhaseName[] = ['access', 'ws_handshake'];
/** Kong's AUTH_AND_LATER (client.lua) and ROUTER_PHASES (router.lua): once routing and auth happened. */
const AUTH_AND_LATER: readonly PhaseName[] = ['access', 'header_filter', 'body_filter', 'log', 'ws_handshake', ...WS_FRAMES];
/** Kong's rewrite_access_header (response.lua): the response is not sent yet. */
const BEFORE_SENT: readonly PhaseName[] = ['rewrite', 'access', 'header_filter', 'ws_handshake'];
/** Kong's header_body_log: the response exists. */
const RESPONSE: readonly PhaseName[] = ['header_filter', 'body_filter', 'log'];
const BODY_FILTER: readonly PhaseName[] = ['body_filter'];
const LOG: readonly PhaseName[] = ['log'];

/**
 * Every PDK function and the phases it may be called in. A call outside them fails with Kong's message (see
 * phaseError); README's phase table is generated from this.
 */
export const PDK_PHASES = {
  'kong.request.get_scheme': REQUEST,
  'kong.request.get_host': REQUEST,
  // Kong: check_not_phase(init_worker), so the certificate phase too.
  'kong.request.get_port': ALL,
  'kong.request.get_forwarded_scheme': REQUEST,
  'kong.request.get_forwarded_host': REQUEST,
  'kong.request.get_forwarded_port': REQUEST,
  'kong.request.get_forwarded_path': REQUEST,
  'kong.request.get_forwarded_prefix': REQUEST,
  'kong.request.get_http_version': REQUEST,
  'kong.request.get_method': REQUEST,
  'kong.request.get_path': REQUEST,
  'kong.request.get_raw_path': REQUEST,
  'kong.request.get_path_with_query': REQUEST,
  'kong.request.get_raw_query': REQUEST,
  'kong.request.get_query': REQUEST,
  'kong.request.get_query_arg': REQUEST,
  'kong.request.get_header': REQUEST,
  'kong.request.get_headers': REQUEST,
  'kong.request.get_uri_captures': REQUEST,
  'kong.request.get_start_time': REQUEST,
  // Kong: before_content (the body is read before it is proxied).
  'kong.request.get_raw_body': REWRITE_ACCESS,
  'kong.request.get_body': REWRITE_ACCESS,
  'kong.request.limit_body': REWRITE_ACCESS,

  'kong.client.get_ip': ALL,
  'kong.client.get_forwarded_ip': ALL,
  'kong.client.get_port': ALL,
  'kong.client.get_forwarded_port': ALL,
  'kong.client.get_protocol': AUTH_AND_LATER,
  'kong.client.get_consumer': AUTH_AND_LATER,
  'kong.client.get_credential': AUTH_AND_LATER,
  'kong.client.get_consumer_groups': AUTH_AND_LATER,
  'kong.client.load_consumer': AUTH_AND_LATER,
  'kong.client.authenticate': ACCESS,

  'kong.response.get_status': RESPONSE,
  'kong.response.get_header': RESPONSE,
  'kong.response.get_headers': RESPONSE,
  'kong.response.get_source': RESPONSE,
  'kong.response.set_status': BEFORE_SENT,
  'kong.response.set_header': BEFORE_SENT,
  'kong.response.add_header': BEFORE_SENT,
  'kong.response.clear_header': BEFORE_SENT,
  'kong.response.set_headers': BEFORE_SENT,
  'kong.response.exit': BEFORE_SENT,
  'kong.response.error': BEFORE_SENT,
  'kong.response.get_raw_body': BODY_FILTER,
  'kong.response.set_raw_body': BODY_FILTER,

  'kong.service.set_upstream': ACCESS,
  'kong.service.set_target': REWRITE_ACCESS,
  'kong.service.set_retries': ACCESS,
  'kong.service.set_timeouts': ACCESS,
  'kong.service.set_tls_cert_key': REWRITE_ACCESS,
  'kong.service.set_tls_verify': REWRITE_ACCESS,
  'kong.service.set_tls_verify_depth': REWRITE_ACCESS,
  'kong.service.set_tls_verify_store': REWRITE_ACCESS,

  'kong.service.request.enable_buffering': REWRITE_ACCESS,
  'kong.service.request.set_scheme': REWRITE_ACCESS,
  'kong.service.request.set_path': REWRITE_ACCESS,
  'kong.service.request.set_raw_query': REWRITE_ACCESS,
  'kong.service.request.set_query': REWRITE_ACCESS,
  'kong.service.request.clear_query_arg': REWRITE_ACCESS,
  'kong.service.request.set_method': REWRITE_ACCESS,
  'kong.service.request.set_header': REWRITE_ACCESS,
  'kong.service.request.add_header': REWRITE_ACCESS,
  'kong.service.request.clear_header': REWRITE_ACCESS,
  'kong.service.request.set_headers': REWRITE_ACCESS,
  'kong.service.request.set_raw_body': REWRITE_ACCESS,
  'kong.service.request.set_body': REWRITE_ACCESS,

  'kong.service.response.get_status': RESPONSE,
  'kong.service.response.get_header': RESPONSE,
  'kong.service.response.get_headers': RESPONSE,
  'kong.service.response.get_raw_body': RESPONSE,
  'kong.service.response.get_body': RESPONSE,

  'kong.router.get_route': AUTH_AND_LATER,
  'kong.router.get_service': AUTH_AND_LATER,

  // Kong: kong.ctx is empty outside a request (no ngx request in the certificate phase).
  'kong.ctx.shared': REQUEST,
  'kong.ctx.plugin': REQUEST,

  // Kong: the log functions and kong.node have no phase check.
  'kong.log.debug': ALL,
  'kong.log.info': ALL,
  'kong.log.notice': ALL,
  'kong.log.warn': ALL,
  'kong.log.err': ALL,
  'kong.log.crit': ALL,
  'kong.log.alert': ALL,
  'kong.log.emerg': ALL,
  'kong.log.serialize': LOG,
  'kong.log.set_serialize_value': REQUEST,

  'kong.node.get_id': ALL,
  'kong.node.get_hostname': ALL,

  // Kong's tracers check no phase (the noop tracer is the default): span functions outside rewrite, access,
  // header_filter, body_filter and log do nothing instead (src/pdk/tracing.ts).
  'kong.tracing.start_span': ALL,
  'kong.tracing.create_span': ALL,
  'kong.tracing.link_span': ALL,
  'kong.tracing.active_span': ALL,
  'kong.tracing.set_active_span': ALL,
  'kong.tracing.process_span': ALL,
  'kong.tracing.set_should_sample': ALL,
  'kong.tracing.get_sampling_decision': ALL,
} as const satisfies Record<string, readonly PhaseName[]>;

export type PdkFunctionName = keyof typeof PDK_PHASES;

/** A PDK function's name and its allowed phases as a mask, resolved once at module load. */
export interface PhaseRule {
  readonly name: PdkFunctionName;
  readonly mask: number;
}

export function rule(name: PdkFunctionName): PhaseRule {
  let mask = 0;
  for (const p of PDK_PHASES[name]) mask |= PHASE_BIT[p];
  return Object.freeze({ name, mask });
}

/** The functions of one namespace, by method name: `methods<'kong.request'>` is 'get_scheme' | 'get_host' | …. */
export type MethodsOf<NS extends string> = PdkFunctionName extends infer F
  ? F extends `${NS}.${infer M}`
    ? M extends `${string}.${string}`
      ? never
      : M
    : never
  : never;

/** The rules of one namespace's functions, by method name: `rules('kong.request').get_header`. */
export function rules<NS extends string>(ns: NS): Readonly<Record<MethodsOf<NS>, PhaseRule>> {
  const out: Record<string, PhaseRule> = {};
  for (const name of Object.keys(PDK_PHASES) as PdkFunctionName[]) {
    const method = name.startsWith(`${ns}.`) ? name.slice(ns.length + 1) : '';
    if (method !== '' && !method.includes('.')) out[method] = rule(name);
  }
  return Object.freeze(out) as Record<MethodsOf<NS>, PhaseRule>;
}

/** Kong's check_phase message, with the function's name; it lists only the phases sluice runs. */
export function phaseError(r: PhaseRule, phase: PhaseName): Error {
  const only = PHASES.filter((p) => p.runs && (PHASE_BIT[p.name] & r.mask) !== 0)
    .map((p) => p.name)
    .join(', ');
  return new Error(`function ${r.name} cannot be called in ${phase} phase (only in: ${only})`);
}
