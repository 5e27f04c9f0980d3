/**
 * The WebSocket frame parser and writer: ws's Receiver and Sender (RFC 6455, masking, fragmentation, UTF-8 and
 * close-code validation), which the `ws` package exports but @types/ws does not describe. This file gives them
 * the few types the relay uses, so nothing else touches the untyped exports.
 */
import type { Duplex } from 'node:stream';
import * as wsModule from 'ws';

export interface ReceiverOptions {
  /** Server side: frames must be masked (client → gateway); client side: they must not be. */
  readonly isServer: boolean;
  /** Largest message, all fragments together (bytes); control frames are capped at 125 by the protocol. */
  readonly maxPayload: number;
}

/** A Writable that parses the frames written to it: one event per whole message (fragments joined) or control frame. */
export interface Receiver {
  write(chunk: Buffer): boolean;
  destroy(): void;
  readonly destroyed: boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'ping' | 'pong', listener: (data: Buffer) => void): this;
  on(event: 'conclude', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (err: Error & { code?: string }) => void): this;
}

/** Writes frames to a socket; `mask` is set when writing as a client (gateway → upstream). */
export interface Sender {
  send(data: Buffer | string, options: { binary: boolean; fin: boolean; mask: boolean; compress: boolean }): void;
  ping(data: Buffer | string, mask: boolean): void;
  pong(data: Buffer | string, mask: boolean): void;
  /** `code` undefined sends a close frame without a body (the receiver sees 1005). */
  close(code: number | undefined, reason: string | Buffer | undefined, mask: boolean): void;
}

// ws's ES module entry exports Receiver and Sender by name (wrapper.mjs); @types/ws leaves them out.
const ws = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number; allowSynchronousEvents: boolean }) => Receiver;
  Sender: new (socket: Duplex) => Sender;
};

export function createReceiver(options: ReceiverOptions): Receiver {
  // Events in the same tick as the bytes that carried them: frames are handled in order, synchronously.
  return new ws.Receiver({ isServer: options.isServer, maxPayload: options.maxPayload, allowSynchronousEvents: true });
}

export function createSender(socket: Duplex): Sender {
  return new ws.Sender(socket);
}

/**
 * The close status for a frame error, by ws's documented error codes: 1009 too big, 1007 bad UTF-8, 1008 too
 * many fragments, 1002 every other protocol violation.
 */
export function closeStatusFor(err: { code?: string }): number {
  switch (err.code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
    case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH':
      return 1009;
    case 'WS_ERR_INVALID_UTF8':
      return 1007;
    case 'WS_ERR_TOO_MANY_BUFFERED_PARTS':
      return 1008;
    default:
      return 1002;
  }
}

/** RFC 6455 §7.4: the codes a close frame may carry (1005 and 1006 are only ever reported, never sent). */
export function isSendableCloseStatus(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}
