/**
 * Kong's tls_verify_depth (nginx proxy_ssl_verify_depth): how many CA certificates may stand between the
 * upstream's certificate and the trusted root. Node has no depth option, so the server identity check
 * counts the verified chain after the standard hostname check.
 */
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

/** Chains are counted this far at most, so every larger depth allows the same chains (and shares one pool). */
export const MAX_VERIFY_DEPTH = 100;

/** Issuer steps from the peer certificate up to its self-signed root (1 = signed directly by the root). */
export function chainDepth(cert: PeerCertificate): number {
  let depth = 0;
  let cur = cert as PeerCertificate & { issuerCertificate?: PeerCertificate };
  while (cur.issuerCertificate && cur.issuerCertificate !== cur && depth < MAX_VERIFY_DEPTH) {
    depth++;
    cur = cur.issuerCertificate as PeerCertificate & { issuerCertificate?: PeerCertificate };
  }
  return depth;
}

/** The depth connection pools are keyed by: at most MAX_VERIFY_DEPTH + 1 of them, whatever a plugin sets. */
export function poolDepth(depth: number): number {
  return Math.min(depth, MAX_VERIFY_DEPTH);
}

/**
 * A checkServerIdentity that also enforces the depth. Made when a pool is made (its agent keeps it), so
 * nothing is cached here: the engines' pools are the only holders.
 */
export function depthCheck(maxDepth: number): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const err = checkServerIdentity(host, cert);
    if (err) return err;
    const depth = chainDepth(cert);
    return depth > maxDepth ? new Error(`certificate chain too long: depth ${depth} exceeds tls_verify_depth ${maxDepth}`) : undefined;
  };
}
