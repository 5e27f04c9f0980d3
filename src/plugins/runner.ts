import type { Pdk } from '../pdk/kong.js';
import type { PhaseName, PhaseOfKind } from '../pdk/phases.js';
import type { RequestState } from '../pdk/state.js';
import type { PluginChain, PluginInstance, PluginSlot } from './chain.js';

export class PluginError extends Error {
  constructor(
    readonly plugin: string,
    readonly phase: PhaseName,
    override readonly cause: unknown,
  ) {
    super(`plugin '${plugin}' failed in ${phase}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

type Handler = (kong: Pdk) => void | Promise<void>;

function isThenable(v: unknown): v is Promise<void> {
  return v !== null && typeof v === 'object' && typeof (v as Promise<void>).then === 'function';
}

/** The phase table's `chain` phases: certificate, rewrite, access, ws_handshake. */
export type ChainPhase = PhaseOfKind<'chain'>;

/**
 * Runs the certificate, rewrite or access phase over a chain: for each plugin in priority order, pick the configuration that
 * applies now (the consumer is whatever an earlier auth plugin set — Kong resolves per plugin, in order), run
 * its handler, and stop at a short-circuit. The instances picked are collected for the response phases.
 * Stays synchronous until a handler returns a promise.
 */
export function runCollecting(
  phase: ChainPhase,
  chain: PluginChain,
  state: RequestState,
  kong: Pdk,
  collected: PluginInstance[] | null,
): void | Promise<void> {
  state.phase = phase;
  const slots = phase === 'access' ? chain.accessSlots : chain.slots;
  for (let i = 0; i < slots.length; i++) {
    const inst = pick(slots[i]!, state);
    if (inst === null) continue;
    collected?.push(inst);
    // After a short-circuit Kong still collects the remaining plugins (their response phases run on the exit
    // answer) but runs no more access handlers.
    if (state.exit !== null) continue;
    const fn = inst.handlers[phase] as Handler | undefined;
    if (fn === undefined) continue;
    state.currentPlugin = inst;
    let r: void | Promise<void>;
    try {
      r = fn(kong);
    } catch (err) {
      collectRest(slots, i + 1, state, collected);
      throw new PluginError(inst.name, phase, err);
    }
    if (isThenable(r)) return continueAsync(r, inst, phase, chain, state, kong, collected, i + 1);
  }
  state.currentPlugin = null;
}

/**
 * A handler threw: Kong (init.lua, execute_collecting_plugins_iterator) turns it into a delayed 500 and goes on
 * iterating, running no more handlers but collecting the rest, so their header_filter, body_filter and log
 * still run for the error answer (http-log and prometheus see the 500).
 */
function collectRest(slots: readonly PluginSlot[], from: number, state: RequestState, collected: PluginInstance[] | null): void {
  state.currentPlugin = null;
  if (collected === null) return;
  for (let i = from; i < slots.length; i++) {
    const inst = pick(slots[i]!, state);
    if (inst !== null) collected.push(inst);
  }
}

/** The slot's instance for the consumer an earlier plugin set, if any (Kong resolves per plugin, in order). */
function pick(slot: PluginSlot, state: RequestState): PluginInstance | null {
  const consumerId = state.consumer?.id;
  return (consumerId !== undefined && slot.byConsumer?.get(consumerId)) || slot.base;
}

async function continueAsync(
  pending: Promise<void>,
  inst: PluginInstance,
  phase: ChainPhase,
  chain: PluginChain,
  state: RequestState,
  kong: Pdk,
  collected: PluginInstance[] | null,
  next: number,
): Promise<void> {
  try {
    await pending;
  } catch (err) {
    collectRest(phase === 'access' ? chain.accessSlots : chain.slots, next, state, collected);
    throw new PluginError(inst.name, phase, err);
  }
  const rest: PluginChain =
    phase === 'access' ? { ...chain, accessSlots: chain.accessSlots.slice(next) } : { ...chain, slots: chain.slots.slice(next) };
  await runCollecting(phase, rest, state, kong, collected);
}

/** header_filter / body_filter: synchronous, over the instances collected in access (Kong). */
export function runResponsePhase(
  phase: PhaseOfKind<'filter'>,
  instances: readonly PluginInstance[],
  state: RequestState,
  kong: Pdk,
): void {
  state.phase = phase;
  for (let i = 0; i < instances.length; i++) {
    const inst = instances[i]!;
    const fn = inst.handlers[phase];
    if (fn === undefined) continue;
    state.currentPlugin = inst;
    try {
      fn(kong);
    } catch (err) {
      throw new PluginError(inst.name, phase, err);
    }
  }
  state.currentPlugin = null;
}

/** log (and ws_close): once it is over, each handler isolated so one failing logger does not stop the others. */
export async function runLogPhase(
  instances: readonly PluginInstance[],
  state: RequestState,
  kong: Pdk,
  onError: (err: PluginError) => void,
  phase: PhaseOfKind<'after'> = 'log',
): Promise<void> {
  state.phase = phase;
  for (const inst of instances) {
    const fn = inst.handlers[phase];
    if (fn === undefined) continue;
    state.currentPlugin = inst;
    try {
      // Most loggers only queue: a synchronous handler is not awaited (no microtask per plugin per request).
      const pending = fn(kong);
      if (pending !== undefined) await pending;
    } catch (err) {
      onError(new PluginError(inst.name, phase, err));
    }
  }
  state.currentPlugin = null;
}
