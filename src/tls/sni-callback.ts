import { createSecureContext, type SecureContext } from 'node:tls';
import type { CertificateSet } from './certificate-set.js';
import type { CertificatePair } from './self-signed.js';

/** What the TLS listener needs: a default certificate and the current snapshot's certificate set. */
export interface ServerTlsOptions {
  readonly defaultCertificate: CertificatePair;
  /** Read at every handshake, so a reload's new set applies to the next connection and no earlier one. */
  readonly certificates: () => CertificateSet;
}

type SniCallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;

/** Node's SNICallback: the current set's context for the name, else the default certificate (Kong's ssl_cert). */
export function createSniCallback(opts: ServerTlsOptions): SniCallback {
  const fallback = createSecureContext({ cert: opts.defaultCertificate.cert, key: opts.defaultCertificate.key });
  return (servername, cb) => cb(null, opts.certificates().select(servername) ?? fallback);
}
