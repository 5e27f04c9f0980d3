import { PdkClient } from './client.js';
import { PdkCtx } from './ctx.js';
import { PdkLog } from './log.js';
import type { PdkEnvironment } from './namespace.js';
import { PdkNode } from './node.js';
import type { PhaseName } from './phases.js';
import { PdkRequest } from './request.js';
import { PdkResponse } from './response.js';
import { PdkRouter } from './router.js';
import { PdkService } from './service.js';
import type { RequestState } from './state.js';
import { NOOP_TRACING, type Tracing } from './tracing.js';
import type { WebSocketPdk } from './websocket.js';

export type { PdkEnvironment } from './namespace.js';

/**
 * The `kong` object plugins and serverless functions receive (Kong's PDK, snake_case names kept so Kong
 * functions port directly). One file per namespace; functions live on the namespaces' prototypes, so a request
 * allocates this object and one per namespace (11 small objects), none per function.
 *
 * Call functions on their namespace — `kong.request.get_header('x')`, or keep the namespace:
 * `const req = kong.request; req.get_header('x')`. A function taken off it (`const { get_header } = kong.request`)
 * throws a message saying so; bind it to keep it alone (`kong.request.get_header.bind(kong.request)`).
 */
export class Kong {
  readonly request: PdkRequest;
  readonly client: PdkClient;
  readonly response: PdkResponse;
  readonly service: PdkService;
  readonly ctx: PdkCtx;
  readonly log: PdkLog;
  readonly router: PdkRouter;
  readonly node: PdkNode;
  /** kong.websocket (Kong Enterprise): set by the lifecycle on WebSocket handshakes of ws/wss routes. */
  websocket: WebSocketPdk | null = null;
  /** kong.tracing: Kong's noop tracer, unless a tracing plugin applies to the request (the lifecycle sets it). */
  tracing: Tracing = NOOP_TRACING;
  readonly #state: RequestState;

  constructor(state: RequestState, env: PdkEnvironment) {
    this.#state = state;
    this.request = new PdkRequest(state, env);
    this.client = new PdkClient(state, env);
    this.response = new PdkResponse(state, env);
    this.service = new PdkService(state, env);
    this.ctx = new PdkCtx(state, env);
    this.log = new PdkLog(state, env);
    this.router = new PdkRouter(state, env);
    this.node = new PdkNode(state, env);
  }

  /** The phase being run, for functions shared between phases (sluice extension). */
  get phase(): PhaseName {
    return this.#state.phase;
  }
}

export type Pdk = Kong;

export function createPdk(state: RequestState, env: PdkEnvironment): Pdk {
  return new Kong(state, env);
}
