import { checkServerless, serverlessConfig } from '../serverless/schema.js';
import { fieldPrefixed, type PluginSchemaInfo } from '../types.js';
import { KONG_VERSION } from '../../util/versions.js';

export const schema: PluginSchemaInfo = {
  name: 'post-function',
  version: KONG_VERSION,
  priority: -1000,
  config: serverlessConfig(),
  configProblems: (config) => fieldPrefixed(config, checkServerless(config)),
  // Kong: typedefs.no_consumer (and so no consumer_group scoping either, once src/config/checks.ts reads it so).
  noConsumer: true,
};
