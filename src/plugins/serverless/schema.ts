import { type TObject, Type } from '@sinclair/typebox';
import { PHASE_NAMES, PHASES } from '../../pdk/phases.js';
import { ServerlessSyntaxError } from './compile.js';
import { detectLanguage } from './language.js';

/** Every phase of the table is a config field (Kong's pre-/post-function schema, plus Enterprise's ws_* ones). */
export const SERVERLESS_PHASES = PHASE_NAMES;

/** pre-function and post-function share one config: a list of function sources per phase. */
export function serverlessConfig(): TObject {
  const phases = Object.fromEntries(
    SERVERLESS_PHASES.map((p) => [p, Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] }))]),
  );
  return Type.Object(phases, { additionalProperties: false, default: {} });
}

/** Where a plugin entity is scoped. */
export interface ServerlessScope {
  readonly route?: unknown;
  readonly service?: unknown;
}

/**
 * At least one function (Kong's at_least_one_of); every function in a phase sluice runs (a phase accepted and
 * never run would be a silent stub); every source compiles, so a syntax error is a config error, not a
 * runtime 500.
 */
export function checkServerless(config: Readonly<Record<string, unknown>>): string | null {
  const has = (phase: string) => Array.isArray(config[phase]) && (config[phase] as unknown[]).length > 0;
  if (!SERVERLESS_PHASES.some(has)) {
    return `at least one of these fields must be non-empty: ${SERVERLESS_PHASES.filter(runs).map((p) => `'${p}'`).join(', ')}`;
  }
  for (const p of PHASES) {
    if (has(p.name) && !p.runs) {
      return `phase ${p.name} is not supported yet: sluice does not run plugins in it, so these functions would never run`;
    }
  }
  const first = serverlessSourceErrors(config)[0];
  return first === undefined ? null : `${first.phase}[${first.index}]${first.line === null ? '' : ` (line ${first.line})`}: ${first.message}`;
}

/** A function source that does not compile: where it is (phase, index in the list, line in the source) and why. */
export interface ServerlessSourceError {
  readonly phase: string;
  readonly index: number;
  readonly line: number | null;
  readonly message: string;
}

/**
 * Every source that is valid in neither Lua nor JavaScript (parsed, never run; Kong's schema loadstring()s each
 * source the same way). For src/config to place each error at its list item.
 */
export function serverlessSourceErrors(config: Readonly<Record<string, unknown>>): ServerlessSourceError[] {
  const out: ServerlessSourceError[] = [];
  for (const phase of SERVERLESS_PHASES) {
    const sources = (config[phase] as unknown[] | undefined) ?? [];
    for (let i = 0; i < sources.length; i++) {
      const src = sources[i];
      if (typeof src !== 'string') continue;
      const lang = detectLanguage(src, `${phase}[${i}]`);
      if (lang instanceof ServerlessSyntaxError) out.push({ phase, index: i, line: lang.line, message: lang.message });
    }
  }
  return out;
}

/**
 * Phases only global plugins run (certificate, rewrite: Kong runs them before routing) that have functions on
 * a plugin scoped to a route or service. Kong accepts such a config and never runs them; so does sluice, and
 * says so in the log at load.
 */
export function globalOnlyPhasesIn(config: Readonly<Record<string, unknown>>, scope: ServerlessScope): string[] {
  if (scope.route == null && scope.service == null) return [];
  return PHASES.filter((p) => p.globalOnly && Array.isArray(config[p.name]) && (config[p.name] as unknown[]).length > 0).map((p) => p.name);
}

function runs(phase: string): boolean {
  return PHASES.some((p) => p.name === phase && p.runs);
}
