/**
 * compileSnapshot as the runtime calls it: a compile that throws becomes a config error like the loader's, with
 * its redacted form (a plugin factory's message may quote a value a vault reference resolved to).
 */
import { secretValues, withRedactions } from '../config/secret-values.js';
import type { ConfigError, LoadedConfig } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import type { PluginServices } from '../plugins/services.js';
import { type CompiledSnapshot, compileSnapshot } from '../snapshot/compile.js';
import { PluginCompileError } from '../snapshot/compile-plugins.js';

export type CompileResult = { readonly ok: true; readonly snapshot: CompiledSnapshot } | { readonly ok: false; readonly errors: ConfigError[] };

export function compileConfig(config: LoadedConfig, file: string, generation: number, logger: Logger, services?: PluginServices): CompileResult {
  try {
    return { ok: true, snapshot: compileSnapshot(config, file, generation, logger, services) };
  } catch (err) {
    const path = err instanceof PluginCompileError ? err.path : '';
    return { ok: false, errors: [configFailure(config, path, `compile failed: ${(err as Error).message}`)] };
  }
}

/** An error about a config that loaded: its secrets (fields and resolved vault references) are known. */
export function configFailure(config: LoadedConfig, path: string, message: string): ConfigError {
  // process.env: what compile-plugins resolves references against.
  return withRedactions([{ path, message }], secretValues(config.entities, process.env))[0]!;
}
