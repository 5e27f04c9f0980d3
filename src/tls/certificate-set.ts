import { createPrivateKey } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Certificate, Entities } from '../schema/index.js';
import { findBySni } from './certificate-lookup.js';
import { pemValue } from './pem-value.js';

/**
 * The server certificates of one snapshot: a secure context per Certificate entity, built once at compile time,
 * and the SNI names bound to them. A reload builds a new set beside the old one; handshakes look up the current
 * snapshot's set, so new connections see new certificates while established ones keep theirs.
 *
 * The contexts sit in private fields so freezing the snapshot never reaches into Node's native objects.
 */
export class CertificateSet {
  readonly #byName: ReadonlyMap<string, SecureContext>;
  /** The SNI names that have a certificate, for logs. */
  readonly names: readonly string[];

  constructor(byName: ReadonlyMap<string, SecureContext>) {
    this.#byName = byName;
    this.names = Object.freeze([...byName.keys()]);
  }

  /** The context for a handshake's server name; null means "serve the default certificate". */
  select(servername: string | null | undefined): SecureContext | null {
    return findBySni(this.#byName, servername);
  }
}

export const EMPTY_CERTIFICATE_SET = new CertificateSet(new Map());

/**
 * Kong serves both pairs of a certificate (cert_alt/key_alt: one RSA, one ECDSA) and lets the client pick.
 * Node's SNI switch installs only one certificate of the selected context (SSL_use_certificate of the
 * context's current one), so sluice installs the RSA pair, which every client accepts; the ECDSA alternative
 * is not served on SNI handshakes.
 */
export function secureContextFor(c: Pick<Certificate, 'cert' | 'key' | 'cert_alt' | 'key_alt'>): SecureContext {
  const key = pemValue(c.key);
  if (c.cert_alt && c.key_alt && createPrivateKey(key).asymmetricKeyType !== 'rsa') {
    const altKey = pemValue(c.key_alt);
    if (createPrivateKey(altKey).asymmetricKeyType === 'rsa') return createSecureContext({ cert: pemValue(c.cert_alt), key: altKey });
  }
  return createSecureContext({ cert: pemValue(c.cert), key });
}

/** Pure of the config: certificates and SNIs in, a lookup of secure contexts out. */
export function compileCertificateSet(entities: Pick<Entities, 'certificates' | 'snis'>): CertificateSet {
  if (entities.snis.length === 0) return EMPTY_CERTIFICATE_SET;
  const certificates = new Map(entities.certificates.map((c) => [c.id, c]));
  // One context per certificate however many names share it; certificates no SNI names are not loaded.
  const contexts = new Map<string, SecureContext>();
  const byName = new Map<string, SecureContext>();
  for (const sni of entities.snis) {
    const id = sni.certificate?.id;
    const cert = id === undefined ? undefined : certificates.get(id);
    if (id === undefined || cert === undefined) continue;
    let ctx = contexts.get(id);
    if (ctx === undefined) contexts.set(id, (ctx = secureContextFor(cert)));
    byName.set(sni.name.toLowerCase(), ctx);
  }
  return new CertificateSet(byName);
}
