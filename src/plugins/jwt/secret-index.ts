import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Consumer, JwtSecret } from '../../schema/index.js';
import { indexBy } from '../auth/credential-index.js';
import { perSnapshot } from '../auth/per-snapshot.js';

/** A jwt credential with its verification keys prepared at load time. */
export interface JwtKey {
  readonly credential: JwtSecret;
  readonly consumer: Consumer;
  readonly secret: Buffer;
  /** The secret decoded from base64 (secret_is_base64), null when it is not base64. */
  readonly decodedSecret: Buffer | null;
  readonly publicKey: KeyObject | null;
}

const BASE64_ANY = /^[A-Za-z0-9+/_-]*=*$/;

function decodeSecret(secret: string): Buffer | null {
  return BASE64_ANY.test(secret) ? Buffer.from(secret, 'base64') : null;
}

function publicKey(pem: string | null): KeyObject | null {
  if (pem === null) return null;
  try {
    return createPublicKey(pem);
  } catch {
    return null;
  }
}

export const jwtByKey = perSnapshot((e) => {
  const out = new Map<string, JwtKey>();
  for (const [key, { credential, consumer }] of indexBy(e, e.jwt_secrets, (c) => c.key)) {
    out.set(key, {
      credential,
      consumer,
      secret: Buffer.from(credential.secret),
      decodedSecret: decodeSecret(credential.secret),
      publicKey: publicKey(credential.rsa_public_key),
    });
  }
  return out as ReadonlyMap<string, JwtKey>;
});
