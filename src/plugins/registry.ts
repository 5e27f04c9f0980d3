/**
 * Every plugin sluice has, listed once. A plugin folder holds its schema (schema.ts) and its handlers
 * (handler.ts, whose definition carries the schema), so adding a plugin is one folder and one line here; the
 * loader's schema catalog (catalog.ts) is derived from this list and cannot disagree with it.
 */
import acl from './acl/handler.js';
import basicAuth from './basic-auth/handler.js';
import botDetection from './bot-detection/handler.js';
import correlationId from './correlation-id/handler.js';
import cors from './cors/handler.js';
import type { PluginDefinition } from './define.js';
import fileLog from './file-log/handler.js';
import hmacAuth from './hmac-auth/handler.js';
import httpLog from './http-log/handler.js';
import ipRestriction from './ip-restriction/handler.js';
import jwt from './jwt/handler.js';
import keyAuth from './key-auth/handler.js';
import opentelemetry from './opentelemetry/handler.js';
import postFunction from './post-function/handler.js';
import preFunction from './pre-function/handler.js';
import prometheus from './prometheus/handler.js';
import rateLimiting from './rate-limiting/handler.js';
import requestSizeLimiting from './request-size-limiting/handler.js';
import requestTermination from './request-termination/handler.js';
import requestTransformer from './request-transformer/handler.js';
import responseTransformer from './response-transformer/handler.js';
import responseTransformerAdvanced from './response-transformer-advanced/handler.js';
import statsd from './statsd/handler.js';
import syslog from './syslog/handler.js';
import tcpLog from './tcp-log/handler.js';
import udpLog from './udp-log/handler.js';
import zipkin from './zipkin/handler.js';

// Definitions differ in their config type; the loader has validated each config against its own schema.
const definitions = [
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
  // analytics and monitoring
  prometheus,
  statsd,
  opentelemetry,
  zipkin,
  // logging
  httpLog,
  fileLog,
  tcpLog,
  udpLog,
  syslog,
  // transformations
  requestTransformer,
  responseTransformer,
  responseTransformerAdvanced,
] as unknown as PluginDefinition[];

/** Plugin definitions by name, sorted by name (the order the Admin API and the generated schemas list them). */
export const pluginHandlers: ReadonlyMap<string, PluginDefinition> = new Map(
  [...definitions].sort((a, b) => a.schema.name.localeCompare(b.schema.name)).map((d) => [d.schema.name, d]),
);
