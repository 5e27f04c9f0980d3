import type { UpstreamFailureKind } from '../../http/engine.js';

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'SLUICE_CONNECT_TIMEOUT',
  'SLUICE_WRITE_TIMEOUT',
  'SLUICE_READ_TIMEOUT',
]);

// Failures to reach the peer at all: nothing was sent.
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

export function failureKind(err: Error): UpstreamFailureKind {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return 'reset';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (CONNECT_CODES.has(code)) return 'connect';
  if (TLS_CODE.test(code)) return 'tls';
  return 'reset';
}

/** Whether the failure happened before any byte reached the upstream (nothing to undo, always retriable). */
export function isConnectFailure(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (CONNECT_CODES.has(code) || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'SLUICE_CONNECT_TIMEOUT' || TLS_CODE.test(code))
  );
}

/** An error our own timers raise, coded so failureKind maps it to 'timeout'. */
export function timeoutError(phase: 'connect' | 'write' | 'read', ms: number): Error {
  const err = new Error(`upstream ${phase} timed out after ${ms} ms`) as Error & { code: string };
  err.code = phase === 'connect' ? 'SLUICE_CONNECT_TIMEOUT' : phase === 'write' ? 'SLUICE_WRITE_TIMEOUT' : 'SLUICE_READ_TIMEOUT';
  return err;
}

export function clientClosedError(): Error {
  const err = new Error('client closed the connection') as Error & { code: string };
  err.code = 'SLUICE_CLIENT_CLOSED';
  return err;
}

// nginx (proxy_next_upstream): once sent, these are not re-sent to another peer.
const NON_IDEMPOTENT = new Set(['POST', 'LOCK', 'PATCH']);

/** The facts of one attempt that decide whether a retry can resend the request unchanged. */
export interface AttemptFacts {
  readonly method: string;
  /** Bytes of the request may have reached the upstream. */
  readonly requestSent: boolean;
  /** The upstream's response head arrived (nginx retries only before that). */
  readonly responseStarted: boolean;
  /** A streamed client body was (partly) read, so it cannot be read again. */
  readonly clientBodyConsumed: boolean;
}

/**
 * Kong (nginx proxy_next_upstream error timeout): retry connection errors and timeouts, never after the
 * response head arrived, never a non-idempotent request once sent, and never when the client body is gone.
 */
export function isRetriable(f: AttemptFacts): boolean {
  if (f.responseStarted || f.clientBodyConsumed) return false;
  return !f.requestSent || !NON_IDEMPOTENT.has(f.method);
}
