/**
 * compileSnapshot as the runtime calls it: a compile that throws becomes a config error like the loader's, with
 * its redacted form (a plugin factory's message may quote a value a vault reference resolved to). Each snapshot
 * keeps the pieces it was compiled from (src/snapshot/reuse.ts) for the compile that follows it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { secretValues, withRedactions } from '../config/secret-values.js';
import type { ConfigError, LoadedConfig } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import type { PluginServices } from '../plugins/services.js';
import { type CompiledSnapshot, compileSnapshotSteps } from '../snapshot/compile.js';
import { PluginCompileError } from '../snapshot/compile-plugins.js';
import { type CompilePieces, Reuse } from '../snapshot/reuse.js';

export type CompileResult =
  | { readonly ok: true; readonly snapshot: CompiledSnapshot; readonly built: number; readonly reused: number }
  | { readonly ok: false; readonly errors: ConfigError[] };

/** The pieces each snapshot was compiled from; they go when the snapshot does. */
const piecesOf = new WeakMap<CompiledSnapshot, CompilePieces>();

/** The event loop is given a turn after this much compiling (issue 15: no stall over 50 ms during a reload). */
const SLICE_MS = 10;

/** In one go (the first load: nothing is being served yet). */
export function compileConfig(config: LoadedConfig, file: string, generation: number, logger: Logger, services?: PluginServices, previous?: CompiledSnapshot): CompileResult {
  const reuse = reuseAfter(previous);
  try {
    const steps = compileSnapshotSteps(config, file, generation, logger, services, reuse);
    for (;;) {
      const step = steps.next();
      if (step.done === true) return done(step.value, reuse);
    }
  } catch (err) {
    return failed(config, err);
  }
}

/**
 * In slices of about SLICE_MS, giving the event loop a turn between them, so requests keep being served while a
 * large config compiles; reuses what `previous` was compiled from.
 */
export async function compileConfigInSlices(
  config: LoadedConfig,
  file: string,
  generation: number,
  logger: Logger,
  services?: PluginServices,
  previous?: CompiledSnapshot,
): Promise<CompileResult> {
  const reuse = reuseAfter(previous);
  try {
    const steps = compileSnapshotSteps(config, file, generation, logger, services, reuse);
    let sliceStart = performance.now();
    for (;;) {
      const step = steps.next();
      if (step.done === true) return done(step.value, reuse);
      if (performance.now() - sliceStart >= SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  } catch (err) {
    return failed(config, err);
  }
}

function reuseAfter(previous: CompiledSnapshot | undefined): Reuse {
  return new Reuse(previous === undefined ? undefined : piecesOf.get(previous));
}

function done(snapshot: CompiledSnapshot, reuse: Reuse): CompileResult {
  piecesOf.set(snapshot, reuse.next);
  return { ok: true, snapshot, built: reuse.built, reused: reuse.reused };
}

function failed(config: LoadedConfig, err: unknown): CompileResult {
  const path = err instanceof PluginCompileError ? err.path : '';
  return { ok: false, errors: [configFailure(config, path, `compile failed: ${(err as Error).message}`)] };
}

/** An error about a config that loaded: its secrets (fields and resolved vault references) are known. */
export function configFailure(config: LoadedConfig, path: string, message: string): ConfigError {
  // process.env: what compile-plugins resolves references against.
  return withRedactions([{ path, message }], secretValues(config.entities, process.env))[0]!;
}
