import type { TObject } from '@sinclair/typebox';

/** A plugin's declarative side: its config schema and the scopes and protocols Kong allows for it. */
export interface PluginSchemaInfo {
  readonly name: string;
  readonly version: string;
  /** Kong PRIORITY: higher runs first in every phase. */
  readonly priority: number;
  /** Config schema with Kong's defaults; the loader fills them. */
  readonly config: TObject;
  /**
   * Checks across config fields that JSON Schema cannot say well: each problem at the field it is about, with
   * Kong's message (none: the config is fine). Runs on a config that passed the schema, defaults filled.
   */
  readonly configProblems?: (config: Readonly<Record<string, unknown>>) => readonly PluginProblem[];
  readonly noConsumer?: boolean;
  readonly noRoute?: boolean;
  readonly noService?: boolean;
  /**
   * Protocols the plugin's `protocols` field accepts (Kong: the plugin schema's protocols typedef); absent:
   * every protocol (Kong's typedefs.protocols).
   */
  readonly protocols?: readonly string[];
  /** The `protocols` default when it is not Kong's grpc, grpcs, http, https (e.g. ip-restriction adds tcp, tls). */
  readonly defaultProtocols?: readonly string[];
}

/**
 * A problem a plugin's check finds: the field it is about, as a path from the plugin entity
 * (`['config', 'headers']`, `['config', 'access', 0]`; `['config']` for a rule across fields, as Kong's entity
 * checks), and Kong's message. The loader adds the entity's own path and places it at its file:line:col.
 */
export interface PluginProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const NO_PROBLEMS: readonly PluginProblem[] = Object.freeze([]);

/** The problem at `config.<at…>`, or none when there is no message: `atConfig(['origins', i], checkOrigins(…))`. */
export function atConfig(at: readonly (string | number)[], message: string | null): readonly PluginProblem[] {
  return message === null ? NO_PROBLEMS : [{ path: ['config', ...at], message }];
}

// `access[0]: …`, `config.headers: …`, `access[0] (line 2): …` (a function source, as the serverless plugins write it).
const FIELD_PREFIX = /^([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\]|\.[A-Za-z_][A-Za-z0-9_]*)*)(?: \(line (\d+)\))?: /;

/**
 * For checks shared with code that names the field at the start of its message (`rename.headers[0]: …`,
 * `config.headers: …`, `access[0] (line 2): …`): the problem at that field when the config holds it, else at
 * `config` with the message whole (Kong reports a rule across fields at the record).
 */
export function fieldPrefixed(config: Readonly<Record<string, unknown>>, message: string | null): readonly PluginProblem[] {
  if (message === null) return NO_PROBLEMS;
  const m = FIELD_PREFIX.exec(message);
  if (m === null) return [{ path: ['config'], message }];
  const path: (string | number)[] = [];
  let at: unknown = config;
  const tokens = m[1]!.match(/[A-Za-z_][A-Za-z0-9_]*|\[\d+\]/g)!;
  for (const [i, token] of tokens.entries()) {
    if (i === 0 && token === 'config' && !('config' in config)) continue;
    const seg = token.startsWith('[') ? Number(token.slice(1, -1)) : token;
    at = at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[seg] : undefined;
    if (at === undefined) return [{ path: ['config'], message }];
    path.push(seg);
  }
  const rest = message.slice(m[0].length);
  return [{ path: ['config', ...path], message: m[2] === undefined ? rest : `${rest} (line ${m[2]} of the function)` }];
}
