import type { PluginHandlers } from '../define.js';
import { type CompiledFunction, compileServerless, type ServerlessOptions } from './compile.js';

// The phases whose functions sluice runs; the config accepts more (schema.ts: certificate and ws_*), which never run.
const RUN_PHASES = ['rewrite', 'access', 'header_filter', 'body_filter', 'log'] as const;
type ServerlessPhase = (typeof RUN_PHASES)[number];

export type ServerlessConfig = Partial<Record<ServerlessPhase | 'certificate' | string, string[] | undefined>>;

/** Compiles every function of a pre-/post-function config; a syntax error throws with the phase and index. */
export function compileServerlessConfig(
  pluginName: string,
  config: ServerlessConfig,
  opts: ServerlessOptions,
): Partial<Record<ServerlessPhase, CompiledFunction[]>> {
  const out: Partial<Record<ServerlessPhase, CompiledFunction[]>> = {};
  for (const phase of RUN_PHASES) {
    const sources = config[phase];
    if (!sources || sources.length === 0) continue;
    out[phase] = sources.map((src, i) => compileServerless(src, `${pluginName}.config.${phase}[${i}]`, opts));
  }
  return out;
}

/** Functions of a phase run in order; an async one is awaited before the next (Kong runs them sequentially). */
export function serverlessHandlers(compiled: Partial<Record<ServerlessPhase, CompiledFunction[]>>): PluginHandlers {
  const handlers: PluginHandlers = {};
  for (const phase of RUN_PHASES) {
    const fns = compiled[phase];
    if (!fns) continue;
    const run = (kong: Parameters<NonNullable<PluginHandlers['access']>>[0]) => {
      for (let i = 0; i < fns.length; i++) {
        const r = fns[i]!(kong);
        if (r && typeof (r as Promise<unknown>).then === 'function') {
          return (async () => {
            await r;
            for (let j = i + 1; j < fns.length; j++) await fns[j]!(kong);
          })();
        }
      }
      return undefined;
    };
    (handlers as Record<string, unknown>)[phase] = run;
  }
  return handlers;
}
