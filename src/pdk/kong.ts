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
 * allocates this object and one per namespace it uses, made on first use; none per function.
 *
 * Call functions on their namespace — `kong.request.get_header('x')`, or keep the namespace:
 * `const req = kong.request; req.get_header('x')`. A function taken off it (`const { get_header } = kong.request`)
 * throws a message saying so; bind it to keep it alone (`kong.request.get_header.bind(kong.request)`).
 */
export class Kong {
  /** kong.websocket (Kong Enterprise): set by the lifecycle on WebSocket handshakes of ws/wss routes. */
  websocket: WebSocketPdk | null = null;
  /** kong.tracing: Kong's noop tracer, unless a tracing plugin applies to the request (the lifecycle sets it). */
  tracing: Tracing = NOOP_TRACING;
  readonly #state: RequestState;
  readonly #env: PdkEnvironment;
  // Each namespace is made the first time a plugin reaches for it: most requests touch two or three of them.
  #request: PdkRequest | null = null;
  #client: PdkClient | null = null;
  #response: PdkResponse | null = null;
  #service: PdkService | null = null;
  #ctx: PdkCtx | null = null;
  #log: PdkLog | null = null;
  #router: PdkRouter | null = null;
  #node: PdkNode | null = null;

  constructor(state: RequestState, env: PdkEnvironment) {
    this.#state = state;
    this.#env = env;
  }

  get request(): PdkRequest {
    return (this.#request ??= new PdkRequest(this.#state, this.#env));
  }

  get client(): PdkClient {
    return (this.#client ??= new PdkClient(this.#state, this.#env));
  }

  get response(): PdkResponse {
    return (this.#response ??= new PdkResponse(this.#state, this.#env));
  }

  get service(): PdkService {
    return (this.#service ??= new PdkService(this.#state, this.#env));
  }

  get ctx(): PdkCtx {
    return (this.#ctx ??= new PdkCtx(this.#state, this.#env));
  }

  get log(): PdkLog {
    return (this.#log ??= new PdkLog(this.#state, this.#env));
  }

  get router(): PdkRouter {
    return (this.#router ??= new PdkRouter(this.#state, this.#env));
  }

  get node(): PdkNode {
    return (this.#node ??= new PdkNode(this.#state, this.#env));
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
