import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { FrameHooks, RelayOptions } from './websocket-relay.js';

/** How an upstream exchange failed; the caller maps it to Kong's status (timeout → 504, the rest → 502). */
export type UpstreamFailureKind = 'connect' | 'reset' | 'tls' | 'timeout';

/** TLS settings for an https upstream (kong.service.set_tls_* may change them per request). */
export interface UpstreamTls {
  servername?: string;
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
  verifyDepth?: number;
}

/**
 * One request to send upstream. Mutable: the caller changes host/port/headers between retries.
 * Timeouts are Kong's service connect/write/read_timeout, in milliseconds.
 */
export interface UpstreamRequest {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  method: string;
  /** Path and query, already escaped. */
  path: string;
  /**
   * Final upstream headers (host, x-forwarded-*, ... set by the caller). The engine drops hop-by-hop ones,
   * except the caller's connection/upgrade on upgrade().
   */
  headers: OutgoingHttpHeaders;
  connectTimeout: number;
  writeTimeout: number;
  readTimeout: number;
  /** Extra tries after the first (Kong: service.retries; kong.service.set_retries changes it per request). */
  retries: number;
  tls?: UpstreamTls | undefined;
  /** A buffered request body (a plugin read it) sent instead of streaming the client request. */
  body?: Buffer | null | undefined;
  /** The client body through a plugin's filter (kong.request.limit_body), streamed instead of the raw request. */
  bodyStream?: Readable | undefined;
  /** Read the whole upstream body, then hand it to hooks.onBody (response-phase plugins need it). */
  bufferResponse?: boolean | undefined;
  /** A WebSocket tunnel whose frames the route's plugins see: relayed frame by frame instead of piped. */
  frames?: FrameRelay | undefined;
}

/** What a frame-relayed tunnel needs once the upstream switched protocols (src/http/websocket-relay.ts). */
export interface FrameRelay {
  readonly hooks: FrameHooks;
  readonly options: RelayOptions;
  /** The upstream switched protocols and the relay took both sockets; hooks.onClose will follow. */
  onStart(): void;
}

export type UpstreamResult =
  | { ok: true; status: number; upstreamLatencyMs: number }
  | { ok: false; kind: UpstreamFailureKind; retriable: boolean; error: Error };

export interface ProxyHooks {
  /**
   * The upstream response head arrived; nothing is written to the client yet. May change `headers`;
   * returns the status to send (undefined keeps the upstream's). In bufferResponse mode it is called once the
   * whole body is read, with that body (Kong: with buffered proxying, header_filter sees the body).
   */
  onResponse(status: number, headers: IncomingHttpHeaders, body?: Buffer): number | undefined;
  /**
   * bufferResponse mode: the whole body, with the status onResponse chose, right after it. The engine writes
   * nothing and the caller answers the client. Without this hook the engine writes the buffered response itself.
   */
  onBody?(status: number, headers: IncomingHttpHeaders, body: Buffer): void;
  /** Called exactly once per proxy()/upgrade() call. */
  onDone(result: UpstreamResult): void;
}

export interface ProxyEngine {
  readonly name: 'undici' | 'http-proxy';
  proxy(req: IncomingMessage, res: ServerResponse, up: UpstreamRequest, hooks: ProxyHooks): void;
  /**
   * WebSocket tunnelling: `res` is bound to the handshake's socket. On the upstream's 101 its head is written
   * to that socket and bytes flow both ways; any other answer is relayed through `res`.
   */
  upgrade(req: IncomingMessage, res: ServerResponse, head: Buffer, up: UpstreamRequest, hooks: ProxyHooks): void;
  /** Closes pooled upstream connections and open tunnels. */
  close(): Promise<void>;
}
