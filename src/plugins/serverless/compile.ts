import vm from 'node:vm';

export type CompiledFunction = (kong: unknown) => unknown;

export interface ServerlessOptions {
  /** Budget for the synchronous part of each call, ms (node:vm's timeout). */
  readonly timeoutMs: number;
  /** Globals the operator chose to expose (e.g. { require }); none by default. */
  readonly globals?: Readonly<Record<string, unknown>>;
}

export class ServerlessSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
    readonly column: number | null,
  ) {
    super(message);
  }
}

// A source is a function when it reads as one; anything else is a body using the `kong` in scope, the way
// Kong's Lua chunks use the global `kong`.
const FUNCTION_SOURCE = /^(?:async\s+)?(?:function\b|\([^()]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/;

/**
 * Compiles one serverless source at config load into a function of the PDK. Runs in its own node:vm context
 * with no `require`, `process` or timers unless given in `globals`. node:vm is NOT a security boundary: this
 * keeps honest mistakes contained, not hostile code (documented in the README).
 */
export function compileServerless(source: string, label: string, opts: ServerlessOptions): CompiledFunction {
  const trimmed = source.trim();
  const { wrapped, isFunction } = wrap(trimmed);
  const sandbox: Record<string, unknown> = { __f: null, __k: null, ...opts.globals };
  const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false }, name: label });
  let fn: unknown;
  try {
    const script = new vm.Script(wrapped, { filename: label, lineOffset: isFunction ? 0 : -1 });
    fn = script.runInContext(context, { timeout: opts.timeoutMs });
  } catch (err) {
    throw toSyntaxError(err, label);
  }
  if (typeof fn !== 'function') throw new ServerlessSyntaxError(`${label}: source does not evaluate to a function`, 1, 1);
  // node:vm enforces a timeout with a watchdog thread per call (~65 µs here, more than a whole proxied
  // request). A function can only run away in a loop — `eval`/`Function` are disabled in the context and there
  // are no timers — so a source without loop keywords is called directly; any other runs under the watchdog.
  // A false positive (the word in a string) only costs speed.
  if (!/\b(?:for|while|do)\b/.test(trimmed)) {
    const direct = fn as CompiledFunction;
    return (kong: unknown) => direct(kong);
  }
  const invoke = new vm.Script('__f(__k)', { filename: `${label}:invoke` });
  return (kong: unknown) => {
    sandbox.__f = fn;
    sandbox.__k = kong;
    try {
      return invoke.runInContext(context, { timeout: opts.timeoutMs });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        throw new Error(`${label} exceeded its time budget of ${opts.timeoutMs} ms`, { cause: err });
      }
      throw err;
    } finally {
      sandbox.__k = null;
    }
  };
}

/** A function expression as it is; a body inside `function (kong) { … }` (async when it awaits). */
function wrap(trimmed: string): { wrapped: string; isFunction: boolean } {
  const isFunction = FUNCTION_SOURCE.test(trimmed);
  const usesAwait = /\bawait\b/.test(trimmed);
  return { wrapped: isFunction ? `(${trimmed}\n)` : `(${usesAwait ? 'async ' : ''}function (kong) {\n${trimmed}\n})`, isFunction };
}

/** The syntax error the source would have as a JavaScript function, or null (parsed only, nothing runs). */
export function jsSyntaxError(source: string, label: string): ServerlessSyntaxError | null {
  const { wrapped, isFunction } = wrap(source.trim());
  try {
    new vm.Script(wrapped, { filename: label, lineOffset: isFunction ? 0 : -1 });
    return null;
  } catch (err) {
    const e = toSyntaxError(err, label);
    // An error at the end of a body is reported on the wrapper's closing line: it is the source's last line.
    const lines = source.trimEnd().split('\n').length;
    return e.line !== null && e.line > lines ? new ServerlessSyntaxError(e.message, lines, e.column) : e;
  }
}

function toSyntaxError(err: unknown, label: string): ServerlessSyntaxError {
  const e = err as Error;
  // V8 puts "label:LINE" on the first stack line of a SyntaxError raised by vm.Script.
  const m = new RegExp(`${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(e.stack ?? '');
  const line = m ? Number(m[1]) : null;
  return new ServerlessSyntaxError(`${e.name}: ${e.message}`, line, null);
}
