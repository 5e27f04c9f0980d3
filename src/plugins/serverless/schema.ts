import { type TObject, Type } from '@sinclair/typebox';
import { compileServerless, ServerlessSyntaxError } from './compile.js';

export const SERVERLESS_PHASES = [
  'certificate',
  'rewrite',
  'access',
  'header_filter',
  'body_filter',
  'log',
  // Kong Enterprise WebSocket phases: accepted and syntax-checked; sluice tunnels WebSocket frames without
  // running plugins on them, so these functions never run (documented).
  'ws_handshake',
  'ws_client_frame',
  'ws_upstream_frame',
  'ws_close',
] as const;

/** pre-function and post-function share one config: a list of function sources per phase. */
export function serverlessConfig(): TObject {
  const phases = Object.fromEntries(
    SERVERLESS_PHASES.map((p) => [p, Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] }))]),
  );
  return Type.Object(phases, { additionalProperties: false, default: {} });
}

/** At least one function, and every source compiles: a syntax error is a config error, not a runtime 500. */
export function checkServerless(config: Readonly<Record<string, unknown>>): string | null {
  const any = SERVERLESS_PHASES.some((p) => Array.isArray(config[p]) && (config[p] as unknown[]).length > 0);
  if (!any) return `at least one of these fields must be non-empty: ${SERVERLESS_PHASES.map((p) => `'${p}'`).join(', ')}`;
  for (const phase of SERVERLESS_PHASES) {
    const sources = (config[phase] as string[] | undefined) ?? [];
    for (let i = 0; i < sources.length; i++) {
      try {
        compileServerless(sources[i]!, `${phase}[${i}]`, { timeoutMs: 1000 });
      } catch (err) {
        const line = err instanceof ServerlessSyntaxError && err.line !== null ? ` (line ${err.line})` : '';
        return `${phase}[${i}]${line}: ${(err as Error).message}`;
      }
    }
  }
  return null;
}
