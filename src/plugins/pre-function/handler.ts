import { definePlugin } from '../define.js';
import { compileServerlessConfig, type ServerlessConfig, serverlessHandlers } from '../serverless/handler.js';
import { schema } from './schema.js';

export const SERVERLESS_TIMEOUT_MS = 1000;

export default definePlugin<ServerlessConfig>({
  schema,
  create: (config) => serverlessHandlers(compileServerlessConfig('pre-function', config, { timeoutMs: SERVERLESS_TIMEOUT_MS })),
});
