import { checkServerless, serverlessConfig } from '../serverless/schema.js';
import type { PluginSchemaInfo } from '../types.js';

export const schema: PluginSchemaInfo = {
  name: 'post-function',
  version: '3.10.0',
  priority: -1000,
  config: serverlessConfig(),
  check: checkServerless,
};
