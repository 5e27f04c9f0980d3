import { Type } from '@sinclair/typebox';
import { enumOf, PROTOCOLS } from '../../schema/typedefs.js';
import { KONG_VERSION } from '../../util/versions.js';
import { queueConfig } from '../queue/schema.js';
import { INJECT_FORMATS } from '../tracing/formats.js';
import { checkEndpoint, endpointUrl, HEADER_TYPES, propagationConfig, timeoutMs } from '../tracing/schema-parts.js';
import { atConfig, fieldPrefixed, type PluginSchemaInfo } from '../types.js';

/** Tags the plugin sets itself: static_tags may not name them (Kong's PROTECTED_TAGS). */
const PROTECTED_TAGS = [
  'error',
  'http.method',
  'http.path',
  'http.status_code',
  'kong.balancer.state',
  'kong.balancer.try',
  'kong.consumer',
  'kong.credential',
  'kong.node.id',
  'kong.route',
  'kong.service',
  'lc',
  'peer.hostname',
] as const;

/** kong/plugins/zipkin/schema.lua (Kong 3.10). */
export const schema: PluginSchemaInfo = {
  name: 'zipkin',
  version: KONG_VERSION,
  // Kong: first in every phase, so its timestamps are taken at each phase's start.
  priority: 100000,
  protocols: PROTOCOLS,
  config: Type.Object(
    {
      local_service_name: Type.Optional(Type.String({ minLength: 1, default: 'kong' })),
      http_endpoint: Type.Optional(endpointUrl()),
      sample_ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.001, 'x-error': { minimum: 'value should be between 0 and 1', maximum: 'value should be between 0 and 1' } })),
      default_service_name: Type.Optional(Type.String({ minLength: 1 })),
      include_credential: Type.Optional(Type.Boolean({ default: true })),
      traceid_byte_count: Type.Optional(enumOf([8, 16], { default: 16 })),
      header_type: Type.Optional(enumOf(HEADER_TYPES, { default: 'preserve' })),
      default_header_type: Type.Optional(enumOf(INJECT_FORMATS, { default: 'b3' })),
      tags_header: Type.Optional(Type.String({ minLength: 1, default: 'Zipkin-Tags' })),
      static_tags: Type.Optional(
        Type.Array(
          Type.Object(
            {
              name: Type.String({ minLength: 1, not: { enum: [...PROTECTED_TAGS] }, 'x-error': { not: `expected none of: ${PROTECTED_TAGS.join(', ')}` } }),
              value: Type.String({ minLength: 1 }),
            },
            { additionalProperties: false },
          ),
        ),
      ),
      http_span_name: Type.Optional(enumOf(['method', 'method_path'], { default: 'method' })),
      connect_timeout: timeoutMs(2000),
      send_timeout: timeoutMs(5000),
      read_timeout: timeoutMs(5000),
      http_response_header_for_traceid: Type.Optional(Type.String({ minLength: 1 })),
      phase_duration_flavor: Type.Optional(enumOf(['annotations', 'tags'], { default: 'annotations' })),
      queue: Type.Optional(queueConfig()),
      propagation: Type.Optional(propagationConfig('b3')),
    },
    { additionalProperties: false, default: {} },
  ),
  configProblems(config) {
    const bad = fieldPrefixed(config, checkEndpoint('http_endpoint', config.http_endpoint));
    if (bad.length > 0) return bad;
    const seen = new Set<string>();
    for (const tag of (config.static_tags ?? []) as { name: string }[]) {
      if (seen.has(tag.name)) return atConfig(['static_tags'], `repeated tags are not allowed: ${tag.name}`);
      seen.add(tag.name);
    }
    return [];
  },
};
