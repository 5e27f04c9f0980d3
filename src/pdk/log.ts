import type { LogFields, LogLevel } from '../log/logger.js';
import { ENV, enter, Namespace } from './namespace.js';
import { type PhaseRule, rules } from './phase-rules.js';
import { serializeLog, serializeLogJson } from './serialize.js';
import type { RequestState, SerializeMode } from './state.js';

const R = rules('kong.log');

/**
 * sluice's JSON log plugins read kong.log.serialize() as text through this key: the same text JSON.stringify
 * makes of the record, built without the record. Not Kong's PDK, so a symbol, not a name functions could call.
 */
export const SERIALIZED_JSON: unique symbol = Symbol('kong.log.serialize as JSON');

/**
 * kong.log: Kong's eight levels onto sluice's four (notice → info; crit, alert, emerg → error). Arguments are
 * joined with spaces, non-strings as JSON; lines carry the plugin and the request id (or, in the certificate
 * phase, the server name).
 */
export class PdkLog extends Namespace {
  debug(...args: unknown[]): void {
    write(this, R.debug, 'debug', args);
  }

  info(...args: unknown[]): void {
    write(this, R.info, 'info', args);
  }

  notice(...args: unknown[]): void {
    write(this, R.notice, 'info', args);
  }

  warn(...args: unknown[]): void {
    write(this, R.warn, 'warn', args);
  }

  err(...args: unknown[]): void {
    write(this, R.err, 'error', args);
  }

  crit(...args: unknown[]): void {
    write(this, R.crit, 'error', args);
  }

  alert(...args: unknown[]): void {
    write(this, R.alert, 'error', args);
  }

  emerg(...args: unknown[]): void {
    write(this, R.emerg, 'error', args);
  }

  /** Kong's kong.log.serialize(): the request summary log plugins send. */
  serialize(): Record<string, unknown> {
    return serializeLog(enter(this, R.serialize));
  }

  /** kong.log.serialize() as JSON text (SERIALIZED_JSON): the same phase rule as serialize(). */
  [SERIALIZED_JSON](): string {
    return serializeLogJson(enter(this, R.serialize));
  }

  /**
   * Adds, replaces (or with null removes) a value in what kong.log.serialize() returns, by dotted key; `\\.` is
   * a literal dot; options.mode 'set' (default), 'add' or 'replace' (Kong). Misuse throws, as Kong's error().
   */
  set_serialize_value(key: string, value: unknown, options?: { mode?: SerializeMode } | null): void {
    const s = enter(this, R.set_serialize_value);
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    const mode = options?.mode ?? 'set';
    if (mode !== 'set' && mode !== 'add' && mode !== 'replace') throw new TypeError("mode must be 'set', 'add' or 'replace'");
    (s.serializeValues ??= []).push([key, value, mode]);
  }
}

function write(self: PdkLog | undefined, r: PhaseRule, level: LogLevel, args: unknown[]): void {
  const s = enter(self, r);
  const logger = self![ENV].logger;
  if (!logger.isEnabled(level)) return; // no string built when the level is off
  logger[level](joinArgs(args), fieldsOf(s));
}

function fieldsOf(s: RequestState): LogFields {
  const plugin = s.currentPlugin?.name;
  return s.phase === 'certificate' ? { plugin, phase: 'certificate', sni: s.servername } : { plugin, request_id: s.requestId };
}

function joinArgs(args: unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}
