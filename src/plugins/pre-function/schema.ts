import { checkServerless, serverlessConfig } from '../serverless/schema.js';
import type { PluginSchemaInfo } from '../types.js';

export const schema: PluginSchemaInfo = {
  name: 'pre-function',
  version: '3.10.0',
  priority: 1000000,
  config: serverlessConfig(),
  check: checkServerless,
  // Kong: typedefs.no_consumer (and so no consumer_group scoping either, once src/config/checks.ts reads it so).
  noConsumer: true,
};
