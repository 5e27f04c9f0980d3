import type { Pdk } from '../../pdk/kong.js';
import type { Consumer, Entities } from '../../schema/index.js';
import { setConsumer } from './consumer-headers.js';
import { findConsumer } from './credential-index.js';

/** Why a request did not authenticate; answered as is unless an anonymous consumer takes over. */
export interface AuthFailure {
  readonly status: number;
  /** null when `errors` is the whole body (jwt's claim errors). */
  readonly message: string | null;
  readonly wwwAuthenticate: string | null;
  readonly errors?: Readonly<Record<string, string>>;
}

/** A plugin's attempt: null when it authenticated (and set the consumer), else the failure. */
export type Attempt = AuthFailure | null | Promise<AuthFailure | null>;

export interface AuthFlowOptions {
  /** Consumer id or username used when authentication fails (Kong's `anonymous`). */
  readonly anonymous: string | null | undefined;
  readonly entities: Entities | undefined;
  /**
   * How a failure is answered: `error` is Kong's kong.response.error (message and request_id), `exit` is
   * kong.response.exit with a bare `{message}` or the errors table (the jwt plugin).
   */
  readonly answer: 'error' | 'exit';
}

/**
 * Kong's two modes shared by every auth plugin. Without `anonymous` a failure is answered at once ("logical
 * AND": each auth plugin must pass). With it, a request some earlier auth plugin already authenticated is let
 * through untouched, and a failure becomes the anonymous consumer ("logical OR" between auth plugins).
 */
export function authAccess(opts: AuthFlowOptions, attempt: (kong: Pdk) => Attempt): (kong: Pdk) => void | Promise<void> {
  const anonymous = opts.anonymous;
  if (anonymous == null) {
    return (kong) => {
      const r = attempt(kong);
      if (r === null) return;
      if (r instanceof Promise) return r.then((f) => (f === null ? undefined : answer(kong, f, opts.answer)));
      answer(kong, r, opts.answer);
    };
  }
  // Resolved once per snapshot; a missing anonymous consumer is only an error when it is needed (Kong).
  const consumer = findConsumer(opts.entities, anonymous);
  return (kong) => {
    if (kong.client.get_credential() !== null) return;
    const r = attempt(kong);
    if (r === null) return;
    if (r instanceof Promise) return r.then((f) => (f === null ? undefined : useAnonymous(kong, anonymous, consumer)));
    useAnonymous(kong, anonymous, consumer);
  };
}

function useAnonymous(kong: Pdk, name: string, consumer: Consumer | null): void {
  if (consumer === null) {
    kong.log.err(`anonymous consumer ${name} is configured but doesn't exist`);
    kong.response.error(500, `anonymous consumer ${name} is configured but doesn't exist`);
    return;
  }
  setConsumer(kong, consumer, null, null);
}

function answer(kong: Pdk, f: AuthFailure, how: 'error' | 'exit'): void {
  const headers = f.wwwAuthenticate === null ? undefined : { 'WWW-Authenticate': f.wwwAuthenticate };
  if (how === 'exit') kong.response.exit(f.status, f.errors ?? { message: f.message }, headers);
  else kong.response.error(f.status, f.message ?? undefined, headers);
}

/** Builds the usual 401 with a WWW-Authenticate challenge. */
export function unauthorized(message: string, wwwAuthenticate: string): AuthFailure {
  return { status: 401, message, wwwAuthenticate };
}
