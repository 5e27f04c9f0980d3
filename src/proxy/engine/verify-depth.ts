/**
 * Kong's tls_verify_depth (nginx proxy_ssl_verify_depth): how many CA certificates may stand between the
 * upstream's certificate and the trusted root. Node has no depth option, so the server identity check
 * counts the verified chain after the standard hostname check.
 */
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

const checks = new Map<number, (host: string, cert: PeerCertificate) => Error | undefined>();

/** Issuer steps from the peer certificate up to its self-signed root (1 = signed directly by the root). */
export function chainDepth(cert: PeerCertificate): number {
  let depth = 0;
  let cur = cert as PeerCertificate & { issuerCertificate?: PeerCertificate };
  while (cur.issuerCertificate && cur.issuerCertificate !== cur && depth < 100) {
    depth++;
    cur = cur.issuerCertificate as PeerCertificate & { issuerCertificate?: PeerCertificate };
  }
  return depth;
}

/** A checkServerIdentity that also enforces the depth; one function per depth, shared by all pools. */
export function depthCheck(maxDepth: number): (host: string, cert: PeerCertificate) => Error | undefined {
  let fn = checks.get(maxDepth);
  if (!fn) {
    fn = (host, cert) => {
      const err = checkServerIdentity(host, cert);
      if (err) return err;
      const depth = chainDepth(cert);
      return depth > maxDepth
        ? new Error(`certificate chain too long: depth ${depth} exceeds tls_verify_depth ${maxDepth}`)
        : undefined;
    };
    checks.set(maxDepth, fn);
  }
  return fn;
}
