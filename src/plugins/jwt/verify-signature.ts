import { constants, createHmac, type KeyObject, verify } from 'node:crypto';
import { sameSecret } from '../auth/constant-time.js';

type Verifier = (data: string, signature: Buffer, key: Buffer | KeyObject) => boolean;

const hmac =
  (hash: string): Verifier =>
  (data, signature, key) =>
    sameSecret(createHmac(hash, key as Buffer).update(data).digest(), signature);

const rsa =
  (hash: string): Verifier =>
  (data, signature, key) =>
    verify(hash, Buffer.from(data), key as KeyObject, signature);

const pss =
  (hash: string): Verifier =>
  (data, signature, key) =>
    verify(hash, Buffer.from(data), { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature);

// JWS ECDSA signatures are the raw r||s pair of a fixed size (RFC 7518 §3.4), not DER.
const ecdsa =
  (hash: string, size: number): Verifier =>
  (data, signature, key) =>
    signature.length === size && verify(hash, Buffer.from(data), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }, signature);

/** Every `alg` Kong's jwt plugin accepts (jwt_secrets.algorithm), with its verification. */
export const VERIFIERS: ReadonlyMap<string, Verifier> = new Map([
  ['HS256', hmac('sha256')],
  ['HS384', hmac('sha384')],
  ['HS512', hmac('sha512')],
  ['RS256', rsa('sha256')],
  ['RS384', rsa('sha384')],
  ['RS512', rsa('sha512')],
  ['ES256', ecdsa('sha256', 64)],
  ['ES384', ecdsa('sha384', 96)],
  ['ES512', ecdsa('sha512', 132)],
  ['PS256', pss('sha256')],
  ['PS384', pss('sha384')],
  ['PS512', pss('sha512')],
  ['EdDSA', (data, signature, key) => verify(null, Buffer.from(data), key as KeyObject, signature)],
]);

export const ALGORITHMS: ReadonlySet<string> = new Set(VERIFIERS.keys());

/** A key of the wrong type for the algorithm is a failed verification, not an error (Kong would answer 500). */
export function verifySignature(alg: string, data: string, signature: Buffer, key: Buffer | KeyObject): boolean {
  const v = VERIFIERS.get(alg);
  if (v === undefined) return false;
  try {
    return v(data, signature, key);
  } catch {
    return false;
  }
}
