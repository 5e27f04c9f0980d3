import { compileHeaderTransform, type HeaderMode, type HeaderTransformConfig } from '../../../src/plugins/transform/header-transform.js';
import { compileBodyPlan, type BodyTransformConfig } from '../../../src/plugins/transform/json-transform.js';

export type Headers = Record<string, string | string[]>;

export interface Upstream {
  readonly status?: number;
  readonly headers?: Headers;
  readonly body?: unknown;
  /** Raw body text; defaults to JSON of `body`. */
  readonly raw?: string;
  readonly contentType?: string;
}

/** Runs both pure transforms the way the handlers do: headers first, then the body. */
export function respond(config: HeaderTransformConfig & BodyTransformConfig, mode: HeaderMode, up: Upstream) {
  const status = up.status ?? 200;
  const headers = up.headers ?? {};
  const next = compileHeaderTransform(config, mode)(status, headers) ?? headers;
  const plan = compileBodyPlan(mode === 'basic' ? { ...config, dots_in_keys: true } : config);
  const raw = up.raw ?? JSON.stringify(up.body ?? {});
  const out = plan.apply(status, up.contentType ?? 'application/json', raw);
  let body: unknown = out ?? raw;
  try {
    body = JSON.parse(body as string);
  } catch {
    // not JSON: compare as text
  }
  // The transform's headers are a prototype-less object: spread into a plain one, they compare as data.
  return { headers: { ...next }, body, changed: out !== null, mayChange: plan.mayChange(status, up.contentType ?? 'application/json') };
}
