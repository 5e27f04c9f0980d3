import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/*
 * A minimal X.509 v3 writer for the one certificate sluice makes itself: the default certificate served when no
 * SNI matches and none was configured (Kong generates one at start too). node:crypto signs but does not build
 * certificates, and shelling out to openssl at start would make a binary a runtime dependency.
 */

function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [a * 40 + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(d: Date): Buffer {
  const iso = d.toISOString(); // 2024-01-02T03:04:05.000Z
  const text = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  return der(0x17, Buffer.from(text, 'ascii'));
}

const name = (cn: string) => seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from(cn, 'utf8')))));

export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/**
 * A self-signed RSA-2048 certificate for `commonName` (also its DNS SAN), valid from yesterday for ~20 years.
 * RSA on purpose: Node's SNI switch installs the chosen certificate into its key-type slot and leaves the
 * default's other slots in place, so an ECDSA default would shadow RSA certificates for ECDSA-capable clients.
 */
export function selfSignedCertificate(commonName: string, now = new Date()): CertificatePair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // positive INTEGER
  const notBefore = new Date(now.getTime() - 86_400_000);
  // UTCTime only reaches 2049; 20 years stays inside it for decades to come.
  const notAfter = new Date(Math.min(now.getTime() + 20 * 365 * 86_400_000, Date.UTC(2049, 11, 31)));
  const san = seq(oid('2.5.29.17'), der(0x04, seq(der(0x82, Buffer.from(commonName, 'ascii')))));
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, serial),
    sha256WithRsa,
    name(commonName),
    seq(utcTime(notBefore), utcTime(notAfter)),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, seq(san)),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certDer = seq(tbs, sha256WithRsa, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = certDer.toString('base64').replace(/.{1,64}/g, '$&\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
