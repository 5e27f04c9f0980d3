import { isIP } from 'node:net';
import type { CaCertificate, Certificate, Service } from '../schema/index.js';
import { upstreamScheme } from '../schema/typedefs.js';
import { pemValue } from './pem-value.js';

/** The TLS of an https, grpcs or wss service to its upstream, resolved at compile time so no PEM work happens per request. */
export interface UpstreamTlsPlan {
  /** SNI sent upstream: the service host, never an IP (TLS forbids IP literals in SNI). */
  readonly servername: string | undefined;
  readonly rejectUnauthorized: boolean;
  readonly verifyDepth: number | undefined;
  /** Trust store from the service's ca_certificates (Node's default roots when absent). */
  readonly ca: readonly string[] | undefined;
  /** client_certificate: presented to upstreams that ask for one (mTLS). */
  readonly cert: string | undefined;
  readonly key: string | undefined;
}

export interface TlsEntities {
  readonly certificates: ReadonlyMap<string, Certificate>;
  readonly caCertificates: ReadonlyMap<string, CaCertificate>;
}

export function indexTlsEntities(certificates: readonly Certificate[], caCertificates: readonly CaCertificate[]): TlsEntities {
  return {
    certificates: new Map(certificates.map((c) => [c.id, c])),
    caCertificates: new Map(caCertificates.map((c) => [c.id, c])),
  };
}

/** Null for services that do not speak TLS upstream (a wss service's handshake is an https request). */
export function compileUpstreamTls(s: Service, tls: TlsEntities): UpstreamTlsPlan | null {
  if (upstreamScheme(s.protocol) !== 'https') return null;
  // Ids are checked by reference validation; one that still resolves to nothing is skipped rather than fatal.
  const ca = s.ca_certificates?.map((id) => tls.caCertificates.get(id)?.cert).filter((c): c is string => c !== undefined);
  const client = s.client_certificate ? tls.certificates.get(s.client_certificate.id) : undefined;
  return Object.freeze({
    servername: isIP(s.host) === 0 ? s.host : undefined,
    // Kong: tls_verify null falls back to proxy_ssl_verify, which is off by default.
    rejectUnauthorized: s.tls_verify === true,
    verifyDepth: s.tls_verify_depth ?? undefined,
    ca: ca !== undefined && ca.length > 0 ? Object.freeze(ca) : undefined,
    cert: client ? pemValue(client.cert) : undefined,
    key: client ? pemValue(client.key) : undefined,
  });
}
