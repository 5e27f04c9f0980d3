import acl from './acl/handler.js';
import basicAuth from './basic-auth/handler.js';
import botDetection from './bot-detection/handler.js';
import correlationId from './correlation-id/handler.js';
import cors from './cors/handler.js';
import type { PluginDefinition } from './define.js';
import hmacAuth from './hmac-auth/handler.js';
import ipRestriction from './ip-restriction/handler.js';
import jwt from './jwt/handler.js';
import keyAuth from './key-auth/handler.js';
import postFunction from './post-function/handler.js';
import preFunction from './pre-function/handler.js';
import rateLimiting from './rate-limiting/handler.js';
import requestSizeLimiting from './request-size-limiting/handler.js';
import requestTermination from './request-termination/handler.js';
import requestTransformer from './request-transformer/handler.js';
import responseTransformer from './response-transformer/handler.js';
import responseTransformerAdvanced from './response-transformer-advanced/handler.js';

/** Plugins whose handlers exist, by name. A plugin in the catalog but not here is refused at load (fail closed). */
// Definitions differ in their config type; the loader has validated each config against its own schema.
const definitions = [
  preFunction,
  postFunction,
  requestTermination,
  keyAuth,
  basicAuth,
  jwt,
  hmacAuth,
  acl,
  rateLimiting,
  requestSizeLimiting,
  ipRestriction,
  cors,
  botDetection,
  correlationId,
  requestTransformer,
  responseTransformer,
  responseTransformerAdvanced,
] as unknown as PluginDefinition[];

export const pluginHandlers: ReadonlyMap<string, PluginDefinition> = new Map(definitions.map((d) => [d.schema.name, d]));
