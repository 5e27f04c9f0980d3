import { definePlugin } from '../define.js';
import { SERVERLESS_TIMEOUT_MS } from '../pre-function/handler.js';
import { createServerless, type ServerlessConfig, serverlessBuffersResponse } from '../serverless/handler.js';
import { schema } from './schema.js';

export default definePlugin<ServerlessConfig>({
  schema,
  buffersResponse: serverlessBuffersResponse,
  create: (config, ctx) => createServerless('post-function', config, ctx.entity, ctx.logger, { timeoutMs: SERVERLESS_TIMEOUT_MS }),
});
