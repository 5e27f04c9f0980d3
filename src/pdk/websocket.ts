/**
 * kong.websocket (Kong Enterprise): plugins read and change the WebSocket message in flight. One
 * WebSocketSession per connection holds a frame state per side, reused for every message; the namespace
 * functions live on prototypes, so a frame allocates nothing here (get_frame's result pair aside).
 *
 * How the lifecycle uses it, per message the relay reports (src/http/websocket-relay.ts):
 *   const st = session.state(from); st.begin(frame);
 *   for each ws_client_frame / ws_upstream_frame handler: call it; on a throw st.fail(); stop once st.stopped
 *   return st.finish(frame);          // 'forward' (frame updated in place) | 'drop' | a close for both sides
 */
import { isSendableCloseStatus } from '../http/websocket-codec.js';
import {
  DEFAULT_CLIENT_MAX_PAYLOAD,
  DEFAULT_UPSTREAM_MAX_PAYLOAD,
  type FrameAction,
  MAX_PAYLOAD_LIMIT,
  type WsFrame,
  type WsFrameType,
  type WsSide,
} from '../http/websocket-relay.js';

/** The phases each kong.websocket function may be called in (Kong EE: frame functions in ws_proxy, on their own side's frames only). */
export const WEBSOCKET_PDK_PHASES = {
  'kong.websocket.client.get_frame': ['ws_client_frame'],
  'kong.websocket.client.set_frame_data': ['ws_client_frame'],
  'kong.websocket.client.set_status': ['ws_client_frame'],
  'kong.websocket.client.drop_frame': ['ws_client_frame'],
  'kong.websocket.client.close': ['ws_client_frame'],
  'kong.websocket.client.set_max_payload_size': ['ws_handshake'],
  'kong.websocket.upstream.get_frame': ['ws_upstream_frame'],
  'kong.websocket.upstream.set_frame_data': ['ws_upstream_frame'],
  'kong.websocket.upstream.set_status': ['ws_upstream_frame'],
  'kong.websocket.upstream.drop_frame': ['ws_upstream_frame'],
  'kong.websocket.upstream.close': ['ws_upstream_frame'],
  'kong.websocket.upstream.set_max_payload_size': ['ws_handshake'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type WebSocketPdkFunction = keyof typeof WEBSOCKET_PDK_PHASES;

const EMPTY = Buffer.alloc(0);
const SERVER_ERROR_REASON = 'Internal Server Error';

/** One side's message in flight and what the handlers decided about it (Kong EE's kong.websocket state). */
export class WebSocketFrameState {
  type: WsFrameType = 'text';
  /** Text and close reasons become strings when a handler reads them; binary, ping and pong stay Buffers. */
  data: Buffer | string = EMPTY;
  status: number | null = null;
  /** close(): the reason this side is sent (null: a close frame's own reason, else none), and what the other side is sent. */
  reason: string | null = null;
  peerStatus: number | null = null;
  peerData: string | null = null;
  drop = false;
  closing = false;

  constructor(readonly role: WsSide) {}

  begin(frame: WsFrame): void {
    this.type = frame.type;
    this.data = frame.data;
    this.status = frame.status;
    this.reason = null;
    this.peerStatus = null;
    this.peerData = null;
    this.drop = false;
    this.closing = false;
  }

  /** Kong: a handler that drops the frame or closes the session ends the handler loop for this frame. */
  get stopped(): boolean {
    return this.drop || this.closing;
  }

  /** A handler threw: Kong closes both sides with 1011 "Internal Server Error". */
  fail(): void {
    this.status = 1011;
    this.reason = SERVER_ERROR_REASON;
    this.peerStatus = 1011;
    this.peerData = SERVER_ERROR_REASON;
    this.closing = true;
    this.drop = true;
  }

  /** The relay's answer once the handlers ran; a forwarded frame carries their changes. */
  finish(frame: WsFrame): FrameAction {
    if (this.closing) {
      const own = { status: this.status, reason: this.reason ?? (this.type === 'close' ? this.data.toString() : '') };
      const peer = { status: this.peerStatus, reason: this.peerData ?? '' };
      return this.role === 'client' ? { client: own, upstream: peer } : { client: peer, upstream: own };
    }
    if (this.drop) return 'drop';
    frame.data = this.data;
    frame.status = this.status;
    return 'forward';
  }
}

/** Per connection: both sides' frame states and the payload limits set during the handshake. */
export class WebSocketSession {
  readonly client = new WebSocketFrameState('client');
  readonly upstream = new WebSocketFrameState('upstream');
  /** set_max_payload_size in ws_handshake; null: Kong's default. */
  clientMaxPayload: number | null = null;
  upstreamMaxPayload: number | null = null;

  state(side: WsSide): WebSocketFrameState {
    return side === 'client' ? this.client : this.upstream;
  }

  maxPayload(side: WsSide): number {
    return side === 'client' ? (this.clientMaxPayload ?? DEFAULT_CLIENT_MAX_PAYLOAD) : (this.upstreamMaxPayload ?? DEFAULT_UPSTREAM_MAX_PAYLOAD);
  }
}

/** What the namespace reads the current phase from (the request's state). */
export interface PhaseSource {
  readonly phase: string;
}

const SESSION: unique symbol = Symbol('sluice.pdk.websocket.session');
const REQUEST: unique symbol = Symbol('sluice.pdk.websocket.request');
const ROLE: unique symbol = Symbol('sluice.pdk.websocket.role');

type Method = 'get_frame' | 'set_frame_data' | 'set_status' | 'drop_frame' | 'close' | 'set_max_payload_size';

/** kong.websocket.client / kong.websocket.upstream: the same functions, each bound to its side's state. */
class WebSocketSidePdk {
  readonly [SESSION]: WebSocketSession;
  readonly [REQUEST]: PhaseSource;
  readonly [ROLE]: WsSide;

  constructor(session: WebSocketSession, request: PhaseSource, role: WsSide) {
    this[SESSION] = session;
    this[REQUEST] = request;
    this[ROLE] = role;
  }

  /** `[data, type, status]`: the payload, the frame type, and the status of a close frame (null otherwise). */
  get_frame(this: WebSocketSidePdk): [data: Buffer | string, type: WsFrameType, status: number | null] {
    const st = enter(this, 'get_frame');
    if ((st.type === 'text' || st.type === 'close') && typeof st.data !== 'string') st.data = st.data.toString();
    return [st.data, st.type, st.type === 'close' ? st.status : null];
  }

  set_frame_data(this: WebSocketSidePdk, data: string | Uint8Array): void {
    const st = enter(this, 'set_frame_data');
    if (typeof data === 'string' || Buffer.isBuffer(data)) st.data = data;
    else if (data instanceof Uint8Array) st.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    else throw new Error('frame payload must be a string or a Buffer');
  }

  set_status(this: WebSocketSidePdk, status: number): void {
    const st = enter(this, 'set_status');
    if (!Number.isInteger(status)) throw new Error('status code must be an integer');
    if (st.type !== 'close') throw new Error('cannot override status code of non-close frame');
    st.status = checkedStatus(status);
  }

  drop_frame(this: WebSocketSidePdk): void {
    const st = enter(this, 'drop_frame');
    if (st.type === 'close') throw new Error('cannot drop a close frame');
    st.drop = true;
  }

  /**
   * Closes both sides: this side gets `status`/`message`, the other `peerStatus`/`peerMessage` (omitted: a
   * close frame without status). The frame in flight is not forwarded and later handlers do not run.
   */
  close(this: WebSocketSidePdk, status?: number | null, message?: string | null, peerStatus?: number | null, peerMessage?: string | null): void {
    const st = enter(this, 'close');
    const role = this[ROLE];
    const peer = role === 'client' ? 'upstream' : 'client';
    const own = optional(status, 'number', `${role} status`);
    if (own !== null) st.status = checkedStatus(own);
    st.reason = optional(message, 'string', `${role} message`) ?? st.reason;
    const peerOwn = optional(peerStatus, 'number', `${peer} status`);
    if (peerOwn !== null) st.peerStatus = checkedStatus(peerOwn);
    st.peerData = optional(peerMessage, 'string', `${peer} message`) ?? st.peerData;
    // Kong EE: the in-flight frame is dropped, then both sides are sent their close.
    st.drop = true;
    st.closing = true;
  }

  /** The largest message (bytes, fragments joined) this side may send; 0 restores the default. Handshake only. */
  set_max_payload_size(this: WebSocketSidePdk, size: number): void {
    enter(this, 'set_max_payload_size');
    if (typeof size !== 'number' || Number.isNaN(size)) throw new Error('`size` must be a number');
    if (size > MAX_PAYLOAD_LIMIT) throw new Error(`\`size\` must be <= ${MAX_PAYLOAD_LIMIT}`);
    if (size < 0) throw new Error('`size` must be >= 0');
    const value = size === 0 ? null : Math.floor(size);
    if (this[ROLE] === 'client') this[SESSION].clientMaxPayload = value;
    else this[SESSION].upstreamMaxPayload = value;
  }
}

/** An optional argument of close(): null/undefined, or a value of the type (Kong: "<who> must be nil or a <type>"). */
function optional<K extends 'number' | 'string'>(value: unknown, type: K, who: string): (K extends 'number' ? number : string) | null {
  if (value == null) return null;
  if (typeof value !== type) throw new Error(`${who} must be null or a ${type}`);
  return value as K extends 'number' ? number : string;
}

/** The close statuses a frame can carry; Kong passes others to the wire, where the peer fails the connection. */
function checkedStatus(status: number): number {
  if (!isSendableCloseStatus(status)) {
    throw new Error(`invalid close status code ${status} (RFC 6455: 1000-1014 except 1004-1006, or 3000-4999)`);
  }
  return status;
}

/** The side's frame state, once the phase allows the call (Kong's check_phase, with the PDK's wording). */
function enter(self: WebSocketSidePdk | undefined, method: Method): WebSocketFrameState {
  if (self === undefined || !(SESSION in self)) {
    throw new Error(`kong.websocket.*.${method} was called detached from its namespace: call it as kong.websocket.client.${method}(…)`);
  }
  const name: WebSocketPdkFunction = `kong.websocket.${self[ROLE]}.${method}`;
  const allowed: readonly string[] = WEBSOCKET_PDK_PHASES[name];
  const phase = self[REQUEST].phase;
  if (!allowed.includes(phase)) throw new Error(`function ${name} cannot be called in ${phase} phase (only in: ${allowed.join(', ')})`);
  return self[SESSION].state(self[ROLE]);
}

/** kong.websocket: `client` and `upstream`, over one connection's session. */
export class WebSocketPdk {
  readonly client: WebSocketSidePdk;
  readonly upstream: WebSocketSidePdk;

  constructor(session: WebSocketSession, request: PhaseSource) {
    this.client = new WebSocketSidePdk(session, request, 'client');
    this.upstream = new WebSocketSidePdk(session, request, 'upstream');
  }
}
