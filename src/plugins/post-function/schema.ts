import { checkServerless, serverlessConfig } from '../serverless/schema.js';
import type { PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

export const schema: PluginSchemaInfo = {
  name: 'post-function',
  version: KONG_VERSION,
  priority: -1000,
  config: serverlessConfig(),
  check: checkServerless,
  // Kong: typedefs.no_consumer (and so no consumer_group scoping either, once src/config/checks.ts reads it so).
  noConsumer: true,
};
