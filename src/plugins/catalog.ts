/**
 * Every plugin sluice knows, by name: the config schemas the loader validates against and the generator
 * writes to schemas/plugins/. Handlers live beside each schema (src/plugins/<name>/handler.ts).
 */
import { schema as acl } from './acl/schema.js';
import { schema as basicAuth } from './basic-auth/schema.js';
import { schema as botDetection } from './bot-detection/schema.js';
import { schema as correlationId } from './correlation-id/schema.js';
import { schema as cors } from './cors/schema.js';
import { schema as hmacAuth } from './hmac-auth/schema.js';
import { schema as ipRestriction } from './ip-restriction/schema.js';
import { schema as jwt } from './jwt/schema.js';
import { schema as keyAuth } from './key-auth/schema.js';
import { schema as postFunction } from './post-function/schema.js';
import { schema as preFunction } from './pre-function/schema.js';
import { schema as rateLimiting } from './rate-limiting/schema.js';
import { schema as requestSizeLimiting } from './request-size-limiting/schema.js';
import { schema as requestTermination } from './request-termination/schema.js';
import { schema as requestTransformer } from './request-transformer/schema.js';
import { schema as responseTransformer } from './response-transformer/schema.js';
import { schema as responseTransformerAdvanced } from './response-transformer-advanced/schema.js';
import type { PluginSchemaInfo } from './types.js';

export type { PluginSchemaInfo } from './types.js';

const SCHEMAS: readonly PluginSchemaInfo[] = [
  // serverless and mocking
  preFunction,
  postFunction,
  requestTermination,
  // authentication and access control
  keyAuth,
  basicAuth,
  jwt,
  hmacAuth,
  acl,
  // traffic control
  rateLimiting,
  requestSizeLimiting,
  ipRestriction,
  cors,
  botDetection,
  correlationId,
  // transformations
  requestTransformer,
  responseTransformer,
  responseTransformerAdvanced,
];

export const pluginCatalog: ReadonlyMap<string, PluginSchemaInfo> = new Map(
  [...SCHEMAS].sort((a, b) => a.name.localeCompare(b.name)).map((s) => [s.name, s]),
);
