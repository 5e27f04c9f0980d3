import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { formatError, redactedError } from '../config/errors.js';
import { md5 } from '../config/load.js';
import type { ConfigError, LoadResult } from '../config/types.js';
import { entityCounts } from '../schema/entity-counts.js';
import type { Logger } from '../log/logger.js';
import { Counts } from '../log/redact.js';
import type { PluginServices } from '../plugins/services.js';
import type { CompiledSnapshot } from '../snapshot/compile.js';
import { compileConfigInSlices, configFailure } from './compile-config.js';
import type { SnapshotCell } from './runtime.js';

export type { ConfigLoader } from './load-worker.js';
import type { ConfigLoader } from './load-worker.js';

export type ReloadOutcome =
  | { status: 'swapped'; snapshot: CompiledSnapshot; ms: number }
  | { status: 'unchanged' }
  | { status: 'failed'; errors: readonly ConfigError[] };

/**
 * Reload = the whole pipeline + compile, then one swap (Caddy's all-or-nothing). Reloads are serialized: a
 * change that arrives while one runs is applied after it, and only the newest pending content is kept. A
 * failure is logged, recorded for `/status` and returned with secrets redacted (`sluice validate` shows them).
 */
export function createReloader(file: string, cell: SnapshotCell, loader: ConfigLoader, logger: Logger, services?: PluginServices) {
  let running: Promise<ReloadOutcome> | null = null;
  let pending: { text: string; hash: string; force: boolean } | null = null;

  async function apply(text: string, hash: string, force: boolean): Promise<ReloadOutcome> {
    if (!force && hash === cell.current.hash) return { status: 'unchanged' };
    const started = performance.now();
    // The longest the event loop was held while this reload ran: what every in-flight request waited at worst.
    const stall = monitorEventLoopDelay({ resolution: 10 });
    stall.enable();
    try {
      return await run(text, started, stall);
    } finally {
      stall.disable();
    }
  }

  async function run(text: string, started: number, stall: ReturnType<typeof monitorEventLoopDelay>): Promise<ReloadOutcome> {
    let result: LoadResult;
    try {
      result = await loader.load(text, file);
    } catch (err) {
      result = { ok: false, errors: [{ path: '', message: `config loader failed: ${(err as Error).message}` }] };
    }
    if (!result.ok) return fail(result.errors);
    const compiled = await compileConfigInSlices(result.config, file, cell.current.generation + 1, logger, services, cell.current);
    if (!compiled.ok) return fail(compiled.errors);
    const next = compiled.snapshot;
    try {
      cell.swap(next);
    } catch (err) {
      return fail([configFailure(result.config, '', `activation failed: ${(err as Error).message}`)]);
    }
    const ms = Math.round(performance.now() - started);
    logger.info('config reloaded', {
      file,
      hash: next.hash,
      generation: next.generation,
      duration_ms: ms,
      // The histogram is in ns and includes its 10 ms sampling interval.
      loop_stall_ms: Math.max(0, Math.round(stall.max / 1e6 - 10)),
      // Pieces (plugin instances, chains, balancers, service and route plans) built anew and taken as they were.
      pieces_built: compiled.built,
      pieces_reused: compiled.reused,
      entities: new Counts(entityCounts(next.entities)),
    });
    return { status: 'swapped', snapshot: next, ms };
  }

  function fail(raw: readonly ConfigError[]): ReloadOutcome {
    const errors = raw.map(redactedError);
    cell.recordFailure({ time: new Date().toISOString(), file, errors });
    logger.error('config reload failed; the previous configuration keeps serving', {
      file,
      error_count: errors.length,
      errors: errors.map((e) => formatError(file, e)),
    });
    return { status: 'failed', errors };
  }

  async function drain(): Promise<ReloadOutcome> {
    let last: ReloadOutcome = { status: 'unchanged' };
    while (pending !== null) {
      const job = pending;
      pending = null;
      last = await apply(job.text, job.hash, job.force);
    }
    running = null;
    return last;
  }

  function submit(text: string, hash: string, force: boolean): Promise<ReloadOutcome> {
    pending = { text, hash, force };
    if (running === null) running = drain();
    return running;
  }

  return {
    /** New content from the watcher. */
    change(text: string, hash: string): Promise<ReloadOutcome> {
      return submit(text, hash, false);
    },
    /** SIGHUP: re-read the file and reload even when its hash is unchanged. */
    async force(): Promise<ReloadOutcome> {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        return fail([{ path: '', message: `cannot read ${file}: ${(err as Error).message}` }]);
      }
      return submit(text, md5(text), true);
    },
  };
}
