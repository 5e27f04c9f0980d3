import { definePlugin } from '../define.js';
import { createServerless, type ServerlessConfig, serverlessBuffersResponse } from '../serverless/handler.js';
import { schema } from './schema.js';

export const SERVERLESS_TIMEOUT_MS = 1000;

export default definePlugin<ServerlessConfig>({
  schema,
  buffersResponse: serverlessBuffersResponse,
  create: (config, ctx) => createServerless('pre-function', config, ctx.entity, ctx.logger, { timeoutMs: SERVERLESS_TIMEOUT_MS }),
});
