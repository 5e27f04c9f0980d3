import { definePlugin } from '../define.js';
import { SERVERLESS_TIMEOUT_MS } from '../pre-function/handler.js';
import { compileServerlessConfig, type ServerlessConfig, serverlessHandlers } from '../serverless/handler.js';
import { schema } from './schema.js';

export default definePlugin<ServerlessConfig>({
  schema,
  create: (config) => serverlessHandlers(compileServerlessConfig('post-function', config, { timeoutMs: SERVERLESS_TIMEOUT_MS })),
});
