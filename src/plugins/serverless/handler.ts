import type { Logger } from '../../log/logger.js';
import type { Pdk } from '../../pdk/kong.js';
import { type PhaseName, PHASES } from '../../pdk/phases.js';
import type { Plugin } from '../../schema/index.js';
import type { PluginHandlers } from '../define.js';
import { type CompiledFunction, compileServerless, type ServerlessOptions } from './compile.js';
import { detectLanguage } from './language.js';
import { compileLua, STOP_PHASE } from './lua/runtime.js';
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
    out[phase] = sources.map((src, i) => compileSource(src, `${pluginName}.config.${phase}[${i}]`, opts));
  }
  return out;
}

/** One source in its language (src/plugins/serverless/language.ts); a syntax error throws. */
export function compileSource(source: string, label: string, opts: ServerlessOptions): CompiledFunction {
  const language = detectLanguage(source, label);
  if (typeof language !== 'string') throw language;
  return language === 'lua' ? compileLua(source, label, opts) : compileServerless(source, label, opts);
}

/**
 * Functions of a phase run in order; an async one is awaited before the next (Kong runs them sequentially). A
 * Lua function that exits (kong.response.exit, ngx.exit) ends the phase for this plugin, as Kong abandons the
 * plugin's coroutine.
 */
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
    if (r === STOP_PHASE) return undefined;
    if (r && typeof (r as Promise<unknown>).then === 'function') return finishAsync(r as Promise<unknown>, fns, i + 1, kong);
  }
  return undefined;
}

async function finishAsync(pending: Promise<unknown>, fns: readonly CompiledFunction[], next: number, kong: Pdk): Promise<void> {
  if ((await pending) === STOP_PHASE) return;
  for (let j = next; j < fns.length; j++) if ((await fns[j]!(kong)) === STOP_PHASE) return;
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
