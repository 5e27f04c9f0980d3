import type { IncomingMessage } from 'node:http';

/**
 * What one proxied request tells the balancer, and what the balancer remembers across its tries: the value
 * to hash (computed once, on the first try, as Kong does), the targets already tried, and a cookie to set.
 */
export class BalanceRequest {
  /** undefined until the first pick computes it; null = nothing to hash. */
  hash: string | null | undefined = undefined;
  /** Targets tried so far, by balancer slot index. */
  readonly tried: number[] = [];
  /** `Set-Cookie` value for the response when hashing on a cookie the client did not send (Kong). */
  setCookie: string | null = null;

  constructor(
    readonly req: IncomingMessage,
    /** Route regex captures (hash_on uri_capture). */
    readonly captures: Readonly<Record<string, string>> | null = null,
    /** The authenticated consumer's id, else the credential's (hash_on consumer). */
    readonly consumerId: string | null = null,
  ) {}
}
