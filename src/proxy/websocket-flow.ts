import type { Logger } from '../log/logger.js';
import type { Pdk } from '../pdk/kong.js';
import type { RequestState } from '../pdk/state.js';
import { WebSocketPdk, WebSocketSession } from '../pdk/websocket.js';
import type { PluginInstance } from '../plugins/chain.js';
import { runLogPhase } from '../plugins/runner.js';
import type { FrameRelay } from '../http/engine.js';
import type { FrameAction, WsCloseInfo, WsFrame, WsSide } from '../http/websocket-relay.js';

type FrameHandler = (kong: Pdk) => unknown;

/** Kong EE's lingering close: how long a side sent a close frame may take to answer it. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * The WebSocket part of one request on a ws/wss route (Kong Enterprise): after access and ws_handshake, the
 * connection is relayed frame by frame and every message runs ws_client_frame or ws_upstream_frame over the
 * plugins collected in access, with `kong.websocket` over this connection's session; when the connection is
 * over, ws_close runs, then the request's log phase (once, with the tunnel's whole duration).
 */
export class WebSocketFlow {
  readonly session = new WebSocketSession();
  /** The relay took the sockets: the request's end is the relay's close, not the response's. */
  relaying = false;
  closeInfo: WsCloseInfo | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly state: RequestState,
    private readonly kong: Pdk,
    private readonly collected: readonly PluginInstance[],
    /** Runs the log phase; called once, after ws_close. */
    private readonly finish: () => void,
  ) {
    kong.websocket = new WebSocketPdk(this.session, state);
  }

  /** The relay's settings once ws_handshake ran (set_max_payload_size is a handshake call). */
  relay(idleTimeoutMs: number): FrameRelay {
    return {
      hooks: this,
      options: {
        clientMaxPayload: this.session.maxPayload('client'),
        upstreamMaxPayload: this.session.maxPayload('upstream'),
        idleTimeoutMs,
        closeTimeoutMs: CLOSE_TIMEOUT_MS,
      },
      onStart: () => {
        this.relaying = true;
      },
    };
  }

  onFrame(from: WsSide, frame: WsFrame): FrameAction | Promise<FrameAction> {
    const st = this.session.state(from);
    st.begin(frame);
    const phase = from === 'client' ? 'ws_client_frame' : 'ws_upstream_frame';
    const { state, kong, collected } = this;
    for (let i = 0; i < collected.length; i++) {
      const inst = collected[i]!;
      const fn = inst.handlers[phase] as FrameHandler | undefined;
      if (fn === undefined) continue;
      state.phase = phase;
      state.currentPlugin = inst;
      let r: unknown;
      try {
        r = fn(kong);
      } catch (err) {
        this.failed(inst, phase, err);
        st.fail();
        break;
      }
      if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function') {
        return this.continueAsync(r as Promise<unknown>, from, frame, i);
      }
      if (st.stopped) break;
    }
    state.currentPlugin = null;
    return st.finish(frame);
  }

  private async continueAsync(pending: Promise<unknown>, from: WsSide, frame: WsFrame, at: number): Promise<FrameAction> {
    const st = this.session.state(from);
    const phase = from === 'client' ? 'ws_client_frame' : 'ws_upstream_frame';
    const { state, kong, collected } = this;
    try {
      await pending;
      for (let i = at + 1; i < collected.length && !st.stopped; i++) {
        const inst = collected[i]!;
        const fn = inst.handlers[phase] as FrameHandler | undefined;
        if (fn === undefined) continue;
        state.phase = phase;
        state.currentPlugin = inst;
        await fn(kong);
      }
    } catch (err) {
      this.failed(state.currentPlugin, phase, err);
      st.fail();
    }
    state.currentPlugin = null;
    return st.finish(frame);
  }

  onClose(info: WsCloseInfo): void {
    this.closeInfo = info;
    void runLogPhase(
      this.collected,
      this.state,
      this.kong,
      (err) => this.logger.error('plugin failed', { error: err.message, phase: 'ws_close', request_id: this.state.requestId }),
      'ws_close',
    ).then(this.finish, this.finish);
  }

  private failed(inst: { name: string } | null, phase: string, err: unknown): void {
    this.logger.error('plugin failed', {
      plugin: inst?.name,
      phase,
      error: (err as Error).message,
      request_id: this.state.requestId,
    });
  }
}
