import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type CertificatePair, selfSignedCertificate } from './self-signed.js';

export interface DefaultCertificate extends CertificatePair {
  /** True when sluice generated it (no --ssl-cert given). */
  readonly generated: boolean;
  /** Its key type; a non-RSA default shadows RSA SNI certificates for ECDSA-capable clients (see self-signed.ts). */
  readonly keyType: string;
}

/**
 * Kong's ssl_cert/ssl_cert_key: served when no SNI matches. Without them Kong generates a self-signed
 * certificate at start; sluice does the same (in memory, CN=localhost). A bad pair fails the start.
 */
export async function loadDefaultCertificate(certFile?: string, keyFile?: string): Promise<DefaultCertificate> {
  if (!certFile && !keyFile) return { ...selfSignedCertificate('localhost'), generated: true, keyType: 'rsa' };
  if (!certFile || !keyFile) throw new Error('--ssl-cert and --ssl-cert-key must be given together');
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  let matches: boolean;
  let keyType: string;
  try {
    const privateKey = createPrivateKey(key);
    keyType = privateKey.asymmetricKeyType ?? 'unknown';
    matches = new X509Certificate(cert).checkPrivateKey(privateKey);
  } catch (err) {
    throw new Error(`invalid default certificate (${certFile}, ${keyFile}): ${(err as Error).message}`, { cause: err });
  }
  if (!matches) throw new Error(`default certificate ${certFile} does not match key ${keyFile}`);
  return { cert, key, generated: false, keyType };
}
