import { redactFields, redactString } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** `pretty` is an alias of `text`; `auto` is text on a terminal and JSON otherwise (the CLI's choices). */
export type LogFormat = 'json' | 'text' | 'pretty' | 'auto';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  readonly level: LogLevel;
  setLevel(level: LogLevel): void;
  isEnabled(level: LogLevel): boolean;
  /** A logger that adds `fields` to every entry; it shares its level with the parent. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  stream?: NodeJS.WritableStream;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
const RESERVED = new Set(['time', 'level', 'msg']);

/** What a logger and all its children share: one level, one output. */
class Sink {
  threshold: number;
  constructor(
    public level: LogLevel,
    readonly text: boolean,
    readonly stream: NodeJS.WritableStream,
  ) {
    this.threshold = RANK[level];
  }

  write(level: LogLevel, msg: string, bound: LogFields | null, fields: LogFields | undefined): void {
    const all = bound === null ? fields : fields === undefined ? bound : { ...bound, ...fields };
    const safe = all === undefined ? null : redactFields(all);
    const time = new Date().toISOString();
    const message = redactString(msg);
    let line: string;
    try {
      line = this.text ? textLine(time, level, message, safe) : jsonLine(time, level, message, safe);
    } catch (err) {
      line = jsonLine(time, level, message, { log_error: (err as Error).message });
    }
    try {
      this.stream.write(line);
    } catch {
      // A broken log stream must not take the gateway down.
    }
  }
}

function jsonLine(time: string, level: LogLevel, msg: string, fields: LogFields | null): string {
  const entry: LogFields = { time, level, msg };
  if (fields !== null) {
    for (const key in fields) entry[RESERVED.has(key) ? `field_${key}` : key] = fields[key];
  }
  return `${JSON.stringify(entry)}\n`;
}

const BARE = /^[^\s"=]+$/;

function textValue(value: unknown): string {
  if (typeof value === 'string') return BARE.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value) ?? String(value);
}

function textLine(time: string, level: LogLevel, msg: string, fields: LogFields | null): string {
  let line = `${time} ${level.toUpperCase()} ${msg}`;
  if (fields !== null) for (const key in fields) line += ` ${key}=${textValue(fields[key])}`;
  return `${line}\n`;
}

class SinkLogger implements Logger {
  constructor(
    private readonly sink: Sink,
    private readonly bound: LogFields | null,
  ) {}

  get level(): LogLevel {
    return this.sink.level;
  }

  setLevel(level: LogLevel): void {
    this.sink.level = level;
    this.sink.threshold = RANK[level];
  }

  isEnabled(level: LogLevel): boolean {
    return RANK[level] >= this.sink.threshold;
  }

  // Each method checks the level before anything else, so a disabled level costs one comparison.
  debug(msg: string, fields?: LogFields): void {
    if (this.sink.threshold <= 10) this.sink.write('debug', msg, this.bound, fields);
  }

  info(msg: string, fields?: LogFields): void {
    if (this.sink.threshold <= 20) this.sink.write('info', msg, this.bound, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    if (this.sink.threshold <= 30) this.sink.write('warn', msg, this.bound, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.sink.write('error', msg, this.bound, fields);
  }

  child(fields: LogFields): Logger {
    return new SinkLogger(this.sink, this.bound === null ? { ...fields } : { ...this.bound, ...fields });
  }
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const stream = opts.stream ?? process.stderr;
  const format = opts.format ?? 'json';
  const text = format === 'text' || format === 'pretty' || (format === 'auto' && (stream as { isTTY?: boolean }).isTTY === true);
  return new SinkLogger(new Sink(opts.level ?? 'info', text, stream), null);
}
