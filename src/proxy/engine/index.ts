import { HttpProxyEngine } from './http-proxy-engine.js';
import type { ProxyEngine } from '../../http/engine.js';
import { UndiciEngine } from './undici-engine.js';

export type { ProxyEngine, ProxyHooks, UpstreamFailureKind, UpstreamRequest, UpstreamResult, UpstreamTls } from '../../http/engine.js';

export function createEngine(name: 'undici' | 'http-proxy'): ProxyEngine {
  return name === 'undici' ? new UndiciEngine() : new HttpProxyEngine();
}
