import type { Logger } from '../../log/logger.js';
import type { Pdk } from '../../pdk/kong.js';
import { type PhaseName, PHASES } from '../../pdk/phases.js';
import type { Plugin } from '../../schema/index.js';
import type { PluginHandlers } from '../define.js';
import { type CompiledFunction, compileServerless, type ServerlessOptions } from './compile.js';
import { globalOnlyPhasesIn } from './schema.js';

// The phases sluice runs (src/pdk/phases.ts); the schema refuses functions in the others.
const RUN_PHASES: readonly PhaseName[] = PHASES.filter((p) => p.runs).map((p) => p.name);

export type ServerlessConfig = Partial<Record<PhaseName, string[] | undefined>>;

/** Compiles every function of a pre-/post-function config; a syntax error throws with the phase and index. */
export function compileServerlessConfig(
  pluginName: string,
  config: ServerlessConfig,
  opts: ServerlessOptions,
): Partial<Record<PhaseName, CompiledFunction[]>> {
  const out: Partial<Record<PhaseName, CompiledFunction[]>> = {};
  for (const phase of RUN_PHASES) {
    const sources = config[phase];
    if (!sources || sources.length === 0) continue;
    out[phase] = sources.map((src, i) => compileServerless(src, `${pluginName}.config.${phase}[${i}]`, opts));
  }
  return out;
}

/** Functions of a phase run in order; an async one is awaited before the next (Kong runs them sequentially). */
export function serverlessHandlers(compiled: Partial<Record<PhaseName, CompiledFunction[]>>): PluginHandlers {
  const handlers: Partial<Record<PhaseName, (kong: Pdk) => void | Promise<void>>> = {};
  for (const phase of RUN_PHASES) {
    const fns = compiled[phase];
    if (fns) handlers[phase] = (kong) => runInOrder(fns, kong);
  }
  return handlers as PluginHandlers;
}

function runInOrder(fns: readonly CompiledFunction[], kong: Pdk): void | Promise<void> {
  for (let i = 0; i < fns.length; i++) {
    const r = fns[i]!(kong);
    if (r && typeof (r as Promise<unknown>).then === 'function') return finishAsync(r as Promise<unknown>, fns, i + 1, kong);
  }
  return undefined;
}

async function finishAsync(pending: Promise<unknown>, fns: readonly CompiledFunction[], next: number, kong: Pdk): Promise<void> {
  await pending;
  for (let j = next; j < fns.length; j++) await fns[j]!(kong);
}

/** Kong: body_filter sees the whole body only when the response is buffered; such a config buffers its route. */
export function serverlessBuffersResponse(config: ServerlessConfig): boolean {
  return (config.body_filter?.length ?? 0) > 0;
}

/** The one factory behind pre-function and post-function. */
export function createServerless(
  pluginName: string,
  config: ServerlessConfig,
  entity: Plugin,
  logger: Logger,
  opts: ServerlessOptions,
): PluginHandlers {
  const idle = globalOnlyPhasesIn(config, entity);
  if (idle.length > 0) {
    logger.warn(`${pluginName} ${entity.id}: ${idle.join(' and ')} functions never run: Kong runs those phases for global plugins only`, {
      route: entity.route?.id ?? null,
      service: entity.service?.id ?? null,
    });
  }
  return serverlessHandlers(compileServerlessConfig(pluginName, config, opts));
}
