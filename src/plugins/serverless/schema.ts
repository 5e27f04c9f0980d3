import { type TObject, Type } from '@sinclair/typebox';

export const SERVERLESS_PHASES = ['certificate', 'rewrite', 'access', 'header_filter', 'body_filter', 'log'] as const;

/** pre-function and post-function share one config: a list of function sources per phase. */
export function serverlessConfig(): TObject {
  const phases = Object.fromEntries(
    SERVERLESS_PHASES.map((p) => [p, Type.Optional(Type.Array(Type.String({ minLength: 1 }), { default: [] }))]),
  );
  return Type.Object(phases, { additionalProperties: false, default: {} });
}

export function checkServerless(config: Readonly<Record<string, unknown>>): string | null {
  const any = SERVERLESS_PHASES.some((p) => Array.isArray(config[p]) && (config[p] as unknown[]).length > 0);
  return any ? null : `at least one of these fields must be non-empty: ${SERVERLESS_PHASES.map((p) => `'${p}'`).join(', ')}`;
}
