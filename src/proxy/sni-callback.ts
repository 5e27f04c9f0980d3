import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import type { CertificateSet } from '../tls/certificate-set.js';
import { type CertificatePhaseContext, runCertificatePhase } from './certificate-phase.js';
import type { CertificatePair } from '../tls/self-signed.js';

/** What the TLS listener needs: a default certificate and the current snapshot's certificate set. */
export interface ServerTlsOptions {
  readonly defaultCertificate: CertificatePair;
  /** Read at every handshake, so a reload's new set applies to the next connection and no earlier one. */
  readonly certificates: () => CertificateSet;
}

type SniCallback = (this: TLSSocket, servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;

/**
 * Node's SNICallback: the current set's context for the name, else the default certificate (Kong's ssl_cert).
 * With `phase` (the proxy's context), global plugins' certificate handlers run first (Kong's certificate
 * phase); one that throws fails the handshake. Node calls this only for handshakes that carry SNI, and as a
 * method of the server-side TLSSocket (`this`), which the phase's kong.client reads.
 */
export function createSniCallback(opts: ServerTlsOptions, phase?: CertificatePhaseContext): SniCallback {
  const fallback = createSecureContext({ cert: opts.defaultCertificate.cert, key: opts.defaultCertificate.key });
  const select = (servername: string) => opts.certificates().select(servername) ?? fallback;
  if (phase === undefined) return (servername, cb) => cb(null, select(servername));
  return function sniWithCertificatePhase(this: TLSSocket, servername, cb) {
    runCertificatePhase(phase, this, servername, (err) => (err === null ? cb(null, select(servername)) : cb(err)));
  };
}
