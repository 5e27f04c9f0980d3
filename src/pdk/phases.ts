/**
 * The plugin phases, in the order Kong documents them (kong/pdk/private/phases.lua; the serverless plugins'
 * config fields, seed 000): the HTTP lifecycle, then Kong Enterprise's WebSocket phases. The runner, the
 * serverless schema, the PDK phase checks (phase-rules.ts) and the README's table all read this one list.
 */
export const PHASES = [
  {
    name: 'certificate',
    kind: 'chain',
    runs: true,
    globalOnly: true,
    when: 'each TLS handshake that carries SNI, before any request (no route yet)',
  },
  {
    name: 'rewrite',
    kind: 'chain',
    runs: true,
    globalOnly: true,
    when: 'every request, before routing; may answer (kong.response.exit)',
  },
  {
    name: 'access',
    kind: 'chain',
    runs: true,
    globalOnly: false,
    when: 'after routing, before the upstream request is sent; may answer',
  },
  {
    name: 'header_filter',
    kind: 'filter',
    runs: true,
    globalOnly: false,
    when: 'response status and headers known (upstream, exit or error), nothing sent yet',
  },
  {
    name: 'body_filter',
    kind: 'filter',
    runs: true,
    globalOnly: false,
    when: 'once over the whole response body (the route buffers it)',
  },
  {
    name: 'log',
    kind: 'after',
    runs: true,
    globalOnly: false,
    when: 'after the response is sent',
  },
  // Kong Enterprise: WebSocket (ws/wss) routes; src/proxy/plugin-flow.ts and websocket-flow.ts run them.
  {
    name: 'ws_handshake',
    kind: 'chain',
    runs: true,
    globalOnly: false,
    when: 'WebSocket handshake of a ws/wss route, before it is proxied',
  },
  {
    name: 'ws_client_frame',
    kind: 'frame',
    runs: true,
    globalOnly: false,
    when: 'each WebSocket frame from the client',
  },
  {
    name: 'ws_upstream_frame',
    kind: 'frame',
    runs: true,
    globalOnly: false,
    when: 'each WebSocket frame from the upstream',
  },
  {
    name: 'ws_close',
    kind: 'after',
    runs: true,
    globalOnly: false,
    when: 'the WebSocket connection closed',
  },
] as const satisfies readonly PhaseInfo[];

/**
 * How the runner (src/plugins/runner.ts) goes through a phase's plugins:
 * - chain: in PRIORITY order, each may be async and may answer (kong.response.exit), which stops the rest;
 * - filter: synchronous, over the instances collected in access, on a response not sent yet;
 * - after: once it is over; each plugin isolated (an error is logged, the others still run);
 * - frame: per WebSocket frame.
 */
export type PhaseKind = 'chain' | 'filter' | 'after' | 'frame';

export interface PhaseInfo {
  readonly name: string;
  readonly kind: PhaseKind;
  /** sluice runs this phase; a phase that does not run is refused in serverless configs. */
  readonly runs: boolean;
  /** Only global plugins run here (Kong: no route is known yet). */
  readonly globalOnly: boolean;
  readonly when: string;
}

export type PhaseName = (typeof PHASES)[number]['name'];
/** The phases of one kind, as a type: `PhaseOfKind<'chain'>` is 'certificate' | 'rewrite' | 'access' | 'ws_handshake'. */
export type PhaseOfKind<K extends PhaseKind> = Extract<(typeof PHASES)[number], { kind: K }>['name'];

export const PHASE_NAMES: readonly PhaseName[] = PHASES.map((p) => p.name);

/** One bit per phase, as Kong's phase checker: a PDK function's allowed phases are a mask. */
export const PHASE_BIT: Readonly<Record<PhaseName, number>> = Object.freeze(
  Object.fromEntries(PHASES.map((p, i) => [p.name, 1 << i])) as Record<PhaseName, number>,
);
