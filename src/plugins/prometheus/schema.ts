import { Type } from '@sinclair/typebox';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

const off = () => Type.Optional(Type.Boolean({ default: false }));

/**
 * kong/plugins/prometheus/schema.lua (Kong 3.10): every switch defaults to off, so a bare `prometheus` plugin
 * exports the node's metrics only. `ai_metrics` and `wasm_metrics` are accepted as Kong's are; sluice has no AI
 * proxy plugins and no Wasm filters, so they add no series (Kong's output without those plugins is the same).
 */
export const schema: PluginSchemaInfo = {
  name: 'prometheus',
  version: KONG_VERSION,
  priority: 13,
  // Kong: typedefs.protocols, so every protocol (the default is the http set).
  config: Type.Object(
    {
      per_consumer: off(),
      status_code_metrics: off(),
      ai_metrics: off(),
      latency_metrics: off(),
      bandwidth_metrics: off(),
      upstream_health_metrics: off(),
      wasm_metrics: off(),
    },
    { additionalProperties: false, default: {} },
  ),
};
