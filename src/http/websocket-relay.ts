/**
 * The WebSocket frame relay: after the 101, for routes whose plugins handle frames, the tunnel parses frames
 * both ways (ws's Receiver/Sender) instead of piping bytes, and hands every message to a hook that forwards it
 * (possibly changed), drops it, or closes the session. Kong Enterprise's WebSocket proxy, as observed:
 *  - fragments are joined: hooks see whole messages; the size limit counts the whole message (client 1 MiB,
 *    upstream 16 MiB by default) and a message over it closes the sender with 1009 and the peer with 1001;
 *  - ping and pong pass through the hooks and on to the peer (even between fragments of a message);
 *  - a close frame goes to the peer as it came (or as a hook changed it); the peer may go on sending until it
 *    answers with its own close, which goes back; then both connections end;
 *  - a connection that drops without a close frame gets the peer a 1001 close;
 *  - a hook that throws (or rejects) closes both sides with 1011 "Internal Server Error";
 *  - a hook's close sends each side its own status and reason; frames after a side was sent a close are dropped.
 * Frames toward the upstream are masked (the gateway is its client); toward the client they are not. No
 * extension is negotiated (the lifecycle strips Sec-WebSocket-Extensions), so frames are never compressed.
 */
import type { Duplex } from 'node:stream';
import { closeStatusFor, createReceiver, createSender, isSendableCloseStatus, type Receiver, type Sender } from './websocket-codec.js';

export type WsSide = 'client' | 'upstream';
export type WsFrameType = 'text' | 'binary' | 'ping' | 'pong' | 'close';

/**
 * The message in flight from one side. The relay keeps one per side and reuses it for every message, so a
 * hook may change `data` (and `status` of a close frame) in place and return 'forward'; it must not keep it.
 */
export interface WsFrame {
  type: WsFrameType;
  /** A whole text or binary message, a ping or pong payload, or a close frame's reason. */
  data: Buffer | string;
  /** Close frames: the status code, or null when the frame carried none. Other frames: null. */
  status: number | null;
}

export interface WsCloseFrame {
  /** null: a close frame without a status. */
  readonly status: number | null;
  readonly reason: string;
}

/** A hook's answer: send each side this close frame, forward nothing more, and end the session. */
export interface WsCloseAction {
  readonly client: WsCloseFrame;
  readonly upstream: WsCloseFrame;
}

/** 'drop' on a close frame forwards it anyway: a side that sent its close sends nothing more. */
export type FrameAction = 'forward' | 'drop' | WsCloseAction;

export interface WsCloseInfo {
  /** Whose close frame (or dropped connection) came first; 'gateway' for a hook's close, a limit, a protocol error, idle time or shutdown. */
  readonly initiator: WsSide | 'gateway';
  /** The status that started the end: the initiator's close status (null: none), 1006 for a dropped connection. */
  readonly status: number | null;
  readonly reason: string;
  /** Bytes read from each side after the handshake, frame headers included. */
  readonly bytesFromClient: number;
  readonly bytesFromUpstream: number;
  /** Bytes written to each side after the handshake (0 for a stream that does not count them). */
  readonly bytesToClient: number;
  readonly bytesToUpstream: number;
  readonly durationMs: number;
}

export interface FrameHooks {
  /** Called for every message, in order per direction; a returned promise holds that direction until it settles. */
  onFrame(from: WsSide, frame: WsFrame): FrameAction | PromiseLike<FrameAction>;
  /** Called once, when both connections are closed. */
  onClose(info: WsCloseInfo): void;
}

export interface RelayOptions {
  /** Largest message (bytes, fragments joined) accepted from each side. */
  readonly clientMaxPayload: number;
  readonly upstreamMaxPayload: number;
  /** No bytes either way for this long closes both sides with 1001 (nginx proxy_read_timeout); 0: never. */
  readonly idleTimeoutMs: number;
  /** How long a side that was sent a close frame may take to answer and hang up (default 5000, Kong's lingering timeout). */
  readonly closeTimeoutMs?: number;
}

/** Kong EE's defaults (constants.lua WEBSOCKET): client frames cost more (masking), so their limit is lower. */
export const DEFAULT_CLIENT_MAX_PAYLOAD = 1024 * 1024;
export const DEFAULT_UPSTREAM_MAX_PAYLOAD = 16 * 1024 * 1024;
/** The largest limit kong.websocket.*.set_max_payload_size accepts (Kong EE: 32 MiB). */
export const MAX_PAYLOAD_LIMIT = 32 * 1024 * 1024;

export interface WebSocketRelay {
  /** Closes both sides from the gateway (e.g. shutdown: 1001 "Going Away"). */
  close(status: number, reason: string): void;
  readonly finished: boolean;
}

const SERVER_ERROR: WsCloseAction = Object.freeze({
  client: Object.freeze({ status: 1011, reason: 'Internal Server Error' }),
  upstream: Object.freeze({ status: 1011, reason: 'Internal Server Error' }),
});

// Kong EE's reasons for the statuses the gateway itself sends.
const REASONS: Readonly<Record<number, string>> = {
  1001: 'Going Away',
  1002: 'Protocol Error',
  1007: 'Invalid Frame Payload Data',
  1008: 'Policy Violation',
  1009: 'Payload Too Large',
};

const EMPTY = Buffer.alloc(0);
const MAX_CLOSE_REASON = 123;

interface Queued {
  readonly type: WsFrameType;
  readonly data: Buffer;
  readonly status: number | null;
}

class Side {
  readonly frame: WsFrame = { type: 'text', data: EMPTY, status: null };
  peer!: Side;
  bytesIn = 0;
  readonly bytesOutAtStart: number;
  /** The receiver takes bytes: false once this side sent its close frame or broke the protocol. */
  parsing = true;
  closeSent = false;
  closeReceived = false;
  socketClosed = false;
  /** A hook's promise is pending: later messages wait in `queue`, in order. */
  busy = false;
  queue: Queued[] | null = null;
  /** The peer's socket is full: this side is paused until it drains. */
  waitingDrain = false;

  constructor(
    readonly name: WsSide,
    readonly socket: Duplex,
    readonly receiver: Receiver,
    readonly sender: Sender,
    /** Frames written to this side are masked: true toward the upstream. */
    readonly mask: boolean,
  ) {
    this.bytesOutAtStart = bytesWritten(socket);
  }

  /** Nothing more to exchange: it was sent a close and no longer sends (its close came, or it broke the protocol). */
  get done(): boolean {
    return this.socketClosed || (this.closeSent && !this.parsing);
  }
}

const bytesWritten = (s: Duplex): number => (s as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;

function isPromiseLike(v: FrameAction | PromiseLike<FrameAction>): v is PromiseLike<FrameAction> {
  return typeof v === 'object' && typeof (v as PromiseLike<FrameAction>).then === 'function';
}

/** A close reason cut to what a close frame holds (123 bytes), on a UTF-8 character boundary. */
function closeReason(reason: Buffer | string): Buffer {
  const buf = typeof reason === 'string' ? Buffer.from(reason) : reason;
  if (buf.length <= MAX_CLOSE_REASON) return buf;
  let end = MAX_CLOSE_REASON;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end);
}

class Relay implements WebSocketRelay {
  private readonly client: Side;
  private readonly upstream: Side;
  private readonly startedAt = performance.now();
  private readonly closeTimeoutMs: number;
  private idleTimer: NodeJS.Timeout | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private initiator: WsSide | 'gateway' | null = null;
  private endStatus: number | null = null;
  private endReason = '';
  finished = false;

  constructor(
    clientSocket: Duplex,
    upstreamSocket: Duplex,
    private readonly hooks: FrameHooks,
    opts: RelayOptions,
  ) {
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 5000;
    // Toward the client the gateway is the server (frames in are masked); toward the upstream, the client.
    this.client = new Side('client', clientSocket, createReceiver({ isServer: true, maxPayload: opts.clientMaxPayload }), createSender(clientSocket), false);
    this.upstream = new Side('upstream', upstreamSocket, createReceiver({ isServer: false, maxPayload: opts.upstreamMaxPayload }), createSender(upstreamSocket), true);
    this.client.peer = this.upstream;
    this.upstream.peer = this.client;
    if (opts.idleTimeoutMs > 0) this.idleTimer = setTimeout(() => this.onIdle(), opts.idleTimeoutMs);
    this.wire(this.client);
    this.wire(this.upstream);
  }

  start(clientHead: Buffer, upstreamHead: Buffer): void {
    // Bytes that arrived with the handshake are the first frames of each side.
    if (upstreamHead.length > 0) this.onData(this.upstream, upstreamHead);
    if (clientHead.length > 0) this.onData(this.client, clientHead);
    for (const side of [this.client, this.upstream]) {
      if (side.socket.destroyed) setImmediate(() => this.onSocketClose(side));
      // node:http leaves an upgraded socket's flow undecided; a caller may have paused it.
      else side.socket.resume();
    }
  }

  private wire(side: Side): void {
    const r = side.receiver;
    r.on('message', (data, isBinary) => this.onMessage(side, isBinary ? 'binary' : 'text', data, null));
    r.on('ping', (data) => this.onMessage(side, 'ping', data, null));
    r.on('pong', (data) => this.onMessage(side, 'pong', data, null));
    r.on('conclude', (code, reason) => {
      side.parsing = false;
      this.onMessage(side, 'close', reason, code === 1005 ? null : code);
    });
    r.on('error', (err) => this.onProtocolError(side, err));
    side.socket.on('data', (chunk: Buffer) => this.onData(side, chunk));
    // A socket error is followed by 'close'; that is where the session learns the side is gone.
    side.socket.on('error', () => side.socket.destroy());
    // node:http's server sockets allow half-open connections: a side that sent FIN is done sending; hang up too.
    side.socket.once('end', () => side.socket.end());
    side.socket.once('close', () => this.onSocketClose(side));
  }

  private onData(side: Side, chunk: Buffer): void {
    side.bytesIn += chunk.length;
    this.idleTimer?.refresh();
    if (side.parsing && !side.receiver.destroyed) side.receiver.write(chunk);
  }

  private onMessage(side: Side, type: WsFrameType, data: Buffer, status: number | null): void {
    if (this.finished) return;
    if (side.busy) {
      (side.queue ??= []).push({ type, data, status });
      return;
    }
    this.process(side, type, data, status);
  }

  private process(side: Side, type: WsFrameType, data: Buffer, status: number | null): void {
    if (type === 'close') side.closeReceived = true;
    // Kong: once a side was sent a close, nothing more goes to it and the hooks no longer run for its peer's frames.
    if (side.peer.closeSent) {
      if (type === 'close') this.settle(side);
      return;
    }
    const frame = side.frame;
    frame.type = type;
    frame.data = data;
    frame.status = status;
    let action: FrameAction | PromiseLike<FrameAction>;
    try {
      action = this.hooks.onFrame(side.name, frame);
    } catch {
      action = SERVER_ERROR;
    }
    if (isPromiseLike(action)) {
      side.busy = true;
      this.updateFlow(side);
      action.then(
        (a) => this.resume(side, a),
        () => this.resume(side, SERVER_ERROR),
      );
      return;
    }
    this.apply(side, action);
  }

  private resume(side: Side, action: FrameAction): void {
    side.busy = false;
    if (this.finished) return;
    this.apply(side, action);
    const queue = side.queue;
    while (queue !== null && queue.length > 0 && !side.busy && !this.finished) {
      const next = queue.shift()!;
      this.process(side, next.type, next.data, next.status);
    }
    if (!this.finished) this.updateFlow(side);
  }

  private apply(from: Side, action: FrameAction): void {
    // Anything but 'drop' or a close object forwards (a hook written in JS may return nothing).
    if (typeof action === 'object' && action !== null) {
      this.noteEnd('gateway', action[from.name].status, action[from.name].reason);
      this.sendClose(this.client, action.client.status, action.client.reason);
      this.sendClose(this.upstream, action.upstream.status, action.upstream.reason);
      return;
    }
    const frame = from.frame;
    if (action === 'drop' && frame.type !== 'close') return;
    try {
      this.forward(from, frame);
    } catch {
      // A payload the protocol cannot carry (a hook made a ping longer than 125 bytes).
      this.apply(from, SERVER_ERROR);
    }
  }

  private forward(from: Side, frame: WsFrame): void {
    const to = from.peer;
    if (frame.type === 'close') {
      this.noteEnd(from.name, frame.status, frame.data.toString());
      this.sendClose(to, frame.status, frame.data);
      this.settle(from);
      return;
    }
    if (to.socketClosed) return;
    if (frame.type === 'ping') to.sender.ping(frame.data, to.mask);
    else if (frame.type === 'pong') to.sender.pong(frame.data, to.mask);
    else to.sender.send(frame.data, { binary: frame.type === 'binary', fin: true, mask: to.mask, compress: false });
    if (!from.waitingDrain && to.socket.writableNeedDrain) {
      from.waitingDrain = true;
      this.updateFlow(from);
      to.socket.once('drain', () => {
        from.waitingDrain = false;
        if (!this.finished) this.updateFlow(from);
      });
    }
  }

  /** A side pauses while a hook holds its direction or its peer cannot take more bytes. */
  private updateFlow(side: Side): void {
    if (side.socketClosed) return;
    if (side.busy || side.waitingDrain) side.socket.pause();
    else side.socket.resume();
  }

  private onProtocolError(side: Side, err: Error & { code?: string }): void {
    if (!side.parsing) return;
    side.parsing = false;
    if (this.finished) return;
    // Kong: the offender gets the error status (1009 for a message over the limit), its peer 1001.
    const status = closeStatusFor(err);
    const reason = REASONS[status] ?? '';
    this.noteEnd('gateway', status, reason);
    this.sendClose(side, status, reason);
    this.sendClose(side.peer, 1001, '');
  }

  private onIdle(): void {
    this.idleTimer = null;
    this.close(1001, REASONS[1001]!);
  }

  close(status: number, reason: string): void {
    if (this.finished) return;
    this.noteEnd('gateway', status, reason);
    this.sendClose(this.client, status, reason);
    this.sendClose(this.upstream, status, reason);
  }

  private noteEnd(initiator: WsSide | 'gateway', status: number | null, reason: string): void {
    if (this.initiator !== null) return;
    this.initiator = initiator;
    this.endStatus = status;
    this.endReason = reason;
  }

  /** Sends one close frame to a side (at most once); a status it cannot carry (null, 1005) sends none. */
  private sendClose(side: Side, status: number | null, reason: Buffer | string): void {
    if (side.closeSent || side.socketClosed) return;
    side.closeSent = true;
    try {
      if (status !== null && isSendableCloseStatus(status)) side.sender.close(status, closeReason(reason), side.mask);
      else side.sender.close(undefined, undefined, side.mask);
    } catch {
      side.socket.destroy();
    }
    this.closeTimer ??= setTimeout(() => this.destroyBoth(), this.closeTimeoutMs);
    this.settle(side);
  }

  /** A side whose close handshake is complete is hung up; when both are, the session is over. */
  private settle(side: Side): void {
    if (side.done && !side.socketClosed) side.socket.end();
    if (this.client.socketClosed && this.upstream.socketClosed) this.finish();
  }

  private onSocketClose(side: Side): void {
    if (side.socketClosed) return;
    side.socketClosed = true;
    side.parsing = false;
    if (this.finished) return;
    if (!side.closeReceived) {
      // Dropped without a close frame: Kong sends the peer 1001.
      this.noteEnd(side.name, 1006, '');
      this.sendClose(side.peer, 1001, '');
    }
    // A paused peer must read on to see its close answer.
    side.peer.waitingDrain = false;
    this.updateFlow(side.peer);
    this.settle(side.peer);
  }

  private destroyBoth(): void {
    this.client.socket.destroy();
    this.upstream.socket.destroy();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.destroyBoth();
    this.client.queue = null;
    this.upstream.queue = null;
    this.client.receiver.destroy();
    this.upstream.receiver.destroy();
    const info: WsCloseInfo = {
      initiator: this.initiator ?? 'gateway',
      status: this.endStatus,
      reason: this.endReason,
      bytesFromClient: this.client.bytesIn,
      bytesFromUpstream: this.upstream.bytesIn,
      bytesToClient: bytesWritten(this.client.socket) - this.client.bytesOutAtStart,
      bytesToUpstream: bytesWritten(this.upstream.socket) - this.upstream.bytesOutAtStart,
      durationMs: Math.round(performance.now() - this.startedAt),
    };
    try {
      this.hooks.onClose(info);
    } catch {
      // The log phase's failures are its own; the sockets are already gone.
    }
  }
}

/**
 * Relays frames between a client and an upstream whose handshake (the 101) is complete. `clientHead` and
 * `upstreamHead` are the bytes each side sent after its handshake head. Both sockets are destroyed when the
 * session ends, whatever ends it; `hooks.onClose` runs once after that.
 */
export function relayWebSocket(
  client: Duplex,
  clientHead: Buffer,
  upstream: Duplex,
  upstreamHead: Buffer,
  hooks: FrameHooks,
  opts: RelayOptions,
): WebSocketRelay {
  const relay = new Relay(client, upstream, hooks, opts);
  relay.start(clientHead, upstreamHead);
  return relay;
}
