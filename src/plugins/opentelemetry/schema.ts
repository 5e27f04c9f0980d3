import { Type } from '@sinclair/typebox';
import { enumOf } from '../../schema/typedefs.js';
import { KONG_VERSION } from '../../util/versions.js';
import { HTTP_PROTOCOLS } from '../auth/schema-parts.js';
import { queueConfig } from '../queue/schema.js';
import { checkEndpoint, endpointUrl, HEADER_TYPES, propagationConfig, timeoutMs } from '../tracing/schema-parts.js';
import { atConfig, fieldPrefixed, type PluginSchemaInfo } from '../types.js';

const queue = queueConfig();
const HEADER_NAME = /^[a-zA-Z0-9-_]+$/;

/**
 * kong/plugins/opentelemetry/schema.lua (Kong 3.10). Traces only: a `logs_endpoint` is refused, as sluice
 * does not export OpenTelemetry logs; resource attribute values are plain strings (Kong's `$(…)` Lua
 * templates are refused).
 */
export const schema: PluginSchemaInfo = {
  name: 'opentelemetry',
  version: KONG_VERSION,
  priority: 14,
  protocols: HTTP_PROTOCOLS,
  config: Type.Object(
    {
      traces_endpoint: Type.Optional(endpointUrl()),
      logs_endpoint: Type.Optional(endpointUrl()),
      // Kong's shorthand (deprecated): the traces endpoint's old name.
      endpoint: Type.Optional(endpointUrl()),
      headers: Type.Optional(Type.Record(Type.String(), Type.String())),
      resource_attributes: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1, 'x-error': { minLength: 'required field missing' } }))),
      // Kong: a plugin without a queue record batches 200 spans; one written without max_batch_size, 1.
      queue: Type.Optional(Type.Object(queue.properties, { additionalProperties: false, default: { max_batch_size: 200 } })),
      batch_span_count: Type.Optional(Type.Integer()),
      batch_flush_delay: Type.Optional(Type.Integer()),
      connect_timeout: timeoutMs(1000),
      send_timeout: timeoutMs(5000),
      read_timeout: timeoutMs(5000),
      http_response_header_for_traceid: Type.Optional(Type.String({ minLength: 1 })),
      header_type: Type.Optional(enumOf(HEADER_TYPES, { default: 'preserve' })),
      sampling_rate: Type.Optional(Type.Number({ minimum: 0, maximum: 1, 'x-error': { minimum: 'value should be between 0 and 1', maximum: 'value should be between 0 and 1' } })),
      propagation: Type.Optional(propagationConfig('w3c')),
    },
    { additionalProperties: false, default: {} },
  ),
  configProblems(config) {
    const traces = config.traces_endpoint ?? config.endpoint;
    if ((traces === undefined || traces === null) && (config.logs_endpoint === undefined || config.logs_endpoint === null)) {
      return atConfig([], "at least one of these fields must be non-empty: 'traces_endpoint', 'logs_endpoint'");
    }
    if (config.logs_endpoint !== undefined && config.logs_endpoint !== null) {
      return atConfig(['logs_endpoint'], 'sluice does not export OpenTelemetry logs; remove logs_endpoint (traces_endpoint is supported)');
    }
    const bad = fieldPrefixed(config, checkEndpoint('traces_endpoint', traces));
    if (bad.length > 0) return bad;
    for (const name of Object.keys((config.headers ?? {}) as Record<string, string>)) {
      if (!HEADER_NAME.test(name)) return atConfig(['headers'], `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`);
    }
    for (const [name, value] of Object.entries((config.resource_attributes ?? {}) as Record<string, string>)) {
      if (value.includes('$(')) return atConfig(['resource_attributes', name], 'Lua templates ($(…)) are not supported; use a plain value');
    }
    return [];
  },
};
