import { Type } from '@sinclair/typebox';
import { enumOf, port } from '../../schema/typedefs.js';
import { KONG_VERSION } from '../../util/versions.js';
import { hostWithoutPort } from '../log-common/schema-parts.js';
import { queueConfig } from '../queue/schema.js';
import type { PluginSchemaInfo } from '../types.js';

// kong/plugins/statsd/schema.lua's lists, in Kong's order (its one_of messages list them so).
export const METRIC_NAMES = [
  'kong_latency', 'latency', 'request_count', 'request_per_user', 'request_size', 'response_size', 'status_count',
  'status_count_per_user', 'unique_users', 'upstream_latency', 'status_count_per_workspace',
  'status_count_per_user_per_route', 'shdict_usage',
] as const;
export const STAT_TYPES = ['counter', 'gauge', 'histogram', 'meter', 'set', 'timer'] as const;
export const CONSUMER_IDENTIFIERS = ['consumer_id', 'custom_id', 'username'] as const;
export const SERVICE_IDENTIFIERS = ['service_id', 'service_name', 'service_host', 'service_name_or_host'] as const;
export const WORKSPACE_IDENTIFIERS = ['workspace_id', 'workspace_name'] as const;
export const TAG_STYLES = ['dogstatsd', 'influxdb', 'librato', 'signalfx'] as const;

export type MetricName = (typeof METRIC_NAMES)[number];
export type StatType = (typeof STAT_TYPES)[number];
export type ConsumerIdentifier = (typeof CONSUMER_IDENTIFIERS)[number];
export type ServiceIdentifier = (typeof SERVICE_IDENTIFIERS)[number];
export type WorkspaceIdentifier = (typeof WORKSPACE_IDENTIFIERS)[number];
export type TagStyle = (typeof TAG_STYLES)[number];

/** Kong's DEFAULT_METRICS: every metric, counters and gauges at sample rate 1, no identifiers. */
export const DEFAULT_METRICS: readonly { name: MetricName; stat_type: StatType; sample_rate?: number }[] = [
  { name: 'request_count', stat_type: 'counter', sample_rate: 1 },
  { name: 'latency', stat_type: 'timer' },
  { name: 'request_size', stat_type: 'counter', sample_rate: 1 },
  { name: 'status_count', stat_type: 'counter', sample_rate: 1 },
  { name: 'response_size', stat_type: 'counter', sample_rate: 1 },
  { name: 'unique_users', stat_type: 'set' },
  { name: 'request_per_user', stat_type: 'counter', sample_rate: 1 },
  { name: 'upstream_latency', stat_type: 'timer' },
  { name: 'kong_latency', stat_type: 'timer' },
  { name: 'status_count_per_user', stat_type: 'counter', sample_rate: 1 },
  { name: 'status_count_per_workspace', stat_type: 'counter', sample_rate: 1 },
  { name: 'status_count_per_user_per_route', stat_type: 'counter', sample_rate: 1 },
  { name: 'shdict_usage', stat_type: 'gauge', sample_rate: 1 },
];

const metric = Type.Object(
  {
    name: enumOf(METRIC_NAMES),
    stat_type: enumOf(STAT_TYPES),
    sample_rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, 'x-error': { exclusiveMinimum: 'value must be greater than 0' } })),
    consumer_identifier: Type.Optional(enumOf(CONSUMER_IDENTIFIERS)),
    service_identifier: Type.Optional(enumOf(SERVICE_IDENTIFIERS)),
    workspace_identifier: Type.Optional(enumOf(WORKSPACE_IDENTIFIERS)),
  },
  {
    additionalProperties: false,
    // Kong's conditional: counters and gauges need a sample_rate.
    if: { properties: { stat_type: { enum: ['counter', 'gauge'] } }, required: ['stat_type'] },
    then: { required: ['sample_rate'] },
  },
);

/** kong/plugins/statsd/schema.lua (Kong 3.x, with its queue). */
export const schema: PluginSchemaInfo = {
  name: 'statsd',
  version: KONG_VERSION,
  priority: 11,
  // Kong: typedefs.protocols, so every protocol (the default is the http set).
  config: Type.Object(
    {
      host: Type.Optional(hostWithoutPort({ default: 'localhost' })),
      port: Type.Optional(port(8125)),
      prefix: Type.Optional(Type.String({ minLength: 1, default: 'kong' })),
      metrics: Type.Optional(Type.Array(metric, { default: DEFAULT_METRICS })),
      allow_status_codes: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]+-[0-9]+$' }))),
      // Metrics are combined into UDP packets up to this size; 0 sends each alone. 65507 = 65535 − UDP and IP headers.
      udp_packet_size: Type.Optional(Type.Number({ minimum: 0, maximum: 65507, default: 0 })),
      use_tcp: Type.Optional(Type.Boolean({ default: false })),
      hostname_in_prefix: Type.Optional(Type.Boolean({ default: false })),
      consumer_identifier_default: Type.Optional(enumOf(CONSUMER_IDENTIFIERS, { default: 'custom_id' })),
      service_identifier_default: Type.Optional(enumOf(SERVICE_IDENTIFIERS, { default: 'service_name_or_host' })),
      workspace_identifier_default: Type.Optional(enumOf(WORKSPACE_IDENTIFIERS, { default: 'workspace_id' })),
      // Deprecated in Kong 3.x (removal in 4.0), still accepted: retry_count does nothing, the others move onto queue.
      retry_count: Type.Optional(Type.Integer()),
      queue_size: Type.Optional(Type.Integer()),
      flush_timeout: Type.Optional(Type.Number()),
      tag_style: Type.Optional(enumOf(TAG_STYLES)),
      queue: Type.Optional(queueConfig()),
    },
    { additionalProperties: false, default: {} },
  ),
};
