import type { Logger } from '../log/logger.js';
import type { ProxyPlan } from './proxy-plan.js';
import { PHASE_BIT } from './phases.js';
import { type PhaseRule, phaseError } from './phase-rules.js';
import type { RequestState } from './state.js';

/** What the PDK needs from outside the request: the snapshot's lookups and node identity. */
export interface PdkEnvironment {
  readonly plan: ProxyPlan;
  readonly logger: Logger;
  readonly nodeId: string;
  readonly hostname: string;
  /** Upper bound for kong.request.get_raw_body (bytes). */
  readonly maxBodyBytes: number;
}

// Symbol keys keep the request's state off what plugins enumerate or serialize: the PDK is their only door.
export const STATE: unique symbol = Symbol('sluice.pdk.state');
export const ENV: unique symbol = Symbol('sluice.pdk.env');

/**
 * A PDK namespace (kong.request, kong.service.request, …): two references, the request's state and the
 * environment; its functions live on the class prototype and are shared by every request, so building the
 * `kong` object allocates one small object per namespace, not a closure per function.
 */
export abstract class Namespace {
  readonly [STATE]: RequestState;
  readonly [ENV]: PdkEnvironment;

  constructor(state: RequestState, env: PdkEnvironment) {
    this[STATE] = state;
    this[ENV] = env;
  }
}

/**
 * The first line of every PDK function: the request's state, once the phase allows the call (Kong's
 * check_phase). `self` is the function's `this`; undefined means the function was taken off its namespace
 * (`const { get_header } = kong.request`), which the prototype design does not support: say how to fix it.
 */
export function enter(self: Namespace | undefined, rule: PhaseRule): RequestState {
  if (self === undefined) {
    const ns = rule.name.slice(0, rule.name.lastIndexOf('.'));
    throw new Error(`${rule.name} was called detached from ${ns}: call it as ${rule.name}(…), or bind it (${rule.name}.bind(${ns}))`);
  }
  const state = self[STATE];
  if ((PHASE_BIT[state.phase] & rule.mask) === 0) throw phaseError(rule, state.phase);
  return state;
}
