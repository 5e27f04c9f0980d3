import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import t from 'tap';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';

t.test('the generated default certificate is a valid, self-signed, usable pair', async (t) => {
  const pair = selfSignedCertificate('localhost');
  const cert = new X509Certificate(pair.cert);
  t.equal(cert.subject, 'CN=localhost');
  t.equal(cert.subjectAltName, 'DNS:localhost');
  t.ok(cert.verify(cert.publicKey), 'signed by its own key');
  t.ok(cert.checkPrivateKey(createPrivateKey(pair.key)), 'key matches');
  t.ok(Date.parse(cert.validFrom) < Date.now() && Date.parse(cert.validTo) > Date.now() + 365 * 86_400_000);
  t.doesNotThrow(() => createSecureContext(pair));
  t.not(selfSignedCertificate('localhost').cert, pair.cert, 'a fresh key and serial each time');
});
