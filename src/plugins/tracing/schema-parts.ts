/** Config fields the tracing plugins share (Kong: typedefs.propagation, typedefs.url, header_type). */
import { Type } from '@sinclair/typebox';
import { enumOf, headerName } from '../../schema/typedefs.js';
import { EXTRACT_FORMATS, INJECT_FORMATS } from './formats.js';

/** typedefs.url for an endpoint sluice sends to: a scheme and a host (http or https: checkEndpoint). */
export const endpointUrl = () =>
  Type.String({ pattern: '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s]+', 'x-error': { pattern: 'missing host in url' } });

/** An endpoint sluice can send to, or Kong's message for a URL it cannot parse. */
export function checkEndpoint(field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  let u: URL;
  try {
    u = new URL(String(value));
  } catch {
    return `config.${field}: could not parse url. ${String(value)}`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `config.${field}: only http and https endpoints are supported, not ${u.protocol.slice(0, -1)}`;
  return null;
}

/** typedefs.timeout: milliseconds, 0 to 2^31 - 2. */
export const timeoutMs = (def: number) => Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483646, default: def }));

/** header_type: deprecated in Kong 3.7 for `propagation`, still honoured (src/plugins/tracing/propagation.ts). */
export const HEADER_TYPES = ['preserve', 'ignore', 'b3', 'b3-single', 'w3c', 'jaeger', 'ot', 'aws', 'gcp', 'datadog', 'instana'] as const;

/** kong/observability/tracing/propagation/schema.lua, with the plugin's default default_format. */
export const propagationConfig = (defaultFormat: (typeof INJECT_FORMATS)[number]) =>
  Type.Object(
    {
      extract: Type.Optional(Type.Array(enumOf(EXTRACT_FORMATS))),
      clear: Type.Optional(Type.Array(headerName())),
      inject: Type.Optional(Type.Array(enumOf(['preserve', ...INJECT_FORMATS]))),
      default_format: enumOf(INJECT_FORMATS),
    },
    { additionalProperties: false, required: ['default_format'], default: { default_format: defaultFormat } },
  );
