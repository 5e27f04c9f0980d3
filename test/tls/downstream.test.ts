import t from 'tap';
import { gateway, startTestGateway, upstream } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { httpsGet } from './client.js';
import { makePki, yamlPem } from './pki.js';

const pki = makePki();
t.teardown(() => pki.cleanup());
const aTest = pki.issue('a.test');
const aTestEc = pki.issue('a.test ecdsa', { san: 'DNS:a.test', ec: true });
const ecOnly = pki.issue('ec.test', { ec: true });
const wild = pki.issue('*.wild.test', { san: 'DNS:*.wild.test' });

t.test('TLS listener: certificate per SNI, https routes, redirects on plain http', async (t) => {
  const up = await upstream(t, 'echo');
  const redirectRoutes = [301, 302, 307, 308, 426]
    .map((code) => `
      - name: r${code}
        hosts: [r${code}.test]
        protocols: [https]
        https_redirect_status_code: ${code}`)
    .join('');
  const gw = await gateway(t, `_format_version: "3.0"
certificates:
  - cert: ${yamlPem(aTestEc.cert, 6)}
    key: ${yamlPem(aTestEc.key, 6)}
    cert_alt: ${yamlPem(aTest.cert, 6)}
    key_alt: ${yamlPem(aTest.key, 6)}
    snis:
      - name: a.test
  - cert: ${yamlPem(ecOnly.cert, 6)}
    key: ${yamlPem(ecOnly.key, 6)}
    snis:
      - name: ec.test
  - cert: ${yamlPem(wild.cert, 6)}
    key: ${yamlPem(wild.key, 6)}
    snis:
      - name: "*.wild.test"
services:
  - name: echo
    url: ${up.url}
    routes:
      - name: any
        paths: [/]
${redirectRoutes}
  - name: by-sni
    url: ${up.url}/via-sni
    routes:
      - name: sni-only
        paths: [/sni]
        protocols: [https]
        snis: [a.test]
`,
    { proxySslListen: '127.0.0.1:0' },
  );
  const port = gw.proxySslAddress!.port;
  t.ok(
    gw.logs.some((l) => String(l.msg).includes('self-signed default certificate')),
    'the log says a self-signed default certificate was generated',
  );

  await t.test('exact SNI: its certificate, verified against the test CA', async (t) => {
    const res = await httpsGet(port, '/hello', { servername: 'a.test', ca: [pki.ca.cert] });
    t.equal(res.status, 200);
    t.ok(res.authorized);
    t.equal(res.peer.subject.CN, 'a.test');
    const echoed = JSON.parse(res.body) as { headers: Record<string, string> };
    t.equal(echoed.headers['x-forwarded-proto'], 'https', 'proxied with scheme https');
  });

  await t.test('cert_alt: the RSA pair of an ECDSA + RSA certificate is served; ECDSA-only certificates too', async (t) => {
    const res = await httpsGet(port, '/', { servername: 'a.test', ca: [pki.ca.cert] });
    t.equal(res.peer.subject.CN, 'a.test', 'the RSA alternative (see src/tls/certificate-set.ts)');
    const ec = await httpsGet(port, '/', { servername: 'ec.test', ca: [pki.ca.cert] });
    t.equal(ec.status, 200);
    t.equal(ec.peer.subject.CN, 'ec.test');
  });

  await t.test('wildcard SNI: one level below *.wild.test', async (t) => {
    const res = await httpsGet(port, '/', { servername: 'b.wild.test', ca: [pki.ca.cert] });
    t.equal(res.status, 200);
    t.equal(res.peer.subject.CN, '*.wild.test');
    const deeper = await httpsGet(port, '/', { servername: 'x.b.wild.test' });
    t.equal(deeper.peer.subject.CN, 'localhost', 'two levels down: no match, default certificate');
  });

  await t.test('no match and no SNI: the generated default certificate', async (t) => {
    const other = await httpsGet(port, '/', { servername: 'other.test' });
    t.equal(other.status, 200);
    t.equal(other.peer.subject.CN, 'localhost');
    t.equal(other.peer.issuer.CN, 'localhost', 'self-signed');
    const none = await httpsGet(port, '/', {});
    t.equal(none.peer.subject.CN, 'localhost');
  });

  await t.test('route snis match the TLS server name', async (t) => {
    const hit = await httpsGet(port, '/sni', { servername: 'a.test' });
    t.equal(hit.status, 200);
    t.equal((JSON.parse(hit.body) as { url: string }).url, '/via-sni', 'the route with snis [a.test]');
    // Another SNI falls through to the catch-all route, which has no snis.
    const miss = await httpsGet(port, '/sni', { servername: 'b.wild.test', host: 'a.test' });
    t.equal(miss.status, 200);
    t.equal(up.seen.at(-1)?.url, '/sni', 'served by the catch-all route');
  });

  await t.test('https-only routes over plain http: redirect with Location, or 426', async (t) => {
    for (const code of [301, 302, 307, 308]) {
      const res = await request(gw.port, '/p/a?x=1', { headers: { host: `r${code}.test:8000` } });
      t.equal(res.status, code, `${code}`);
      t.equal(res.headers.location, `https://r${code}.test/p/a?x=1`);
      t.equal(res.body, '');
    }
    const upgrade = await request(gw.port, '/', { headers: { host: 'r426.test' } });
    t.equal(upgrade.status, 426);
    t.equal(upgrade.headers.upgrade, 'TLS/1.2, HTTP/1.1');
    t.match(upgrade.json(), { message: 'Please use HTTPS protocol' });
    const tls = await httpsGet(port, '/', { servername: 'r426.test' });
    t.equal(tls.status, 200, 'the same route over TLS is proxied');
  });
});

t.test('--ssl-cert/--ssl-cert-key: the given default certificate', async (t) => {
  const up = await upstream(t, 'echo');
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const certFile = join(tmpdir(), `sluice-default-${process.pid}.crt`);
  const keyFile = join(tmpdir(), `sluice-default-${process.pid}.key`);
  const def = pki.issue('default.test');
  await writeFile(certFile, def.cert);
  await writeFile(keyFile, def.key);
  const gw = await gateway(t, `_format_version: "3.0"\nservices:\n  - url: ${up.url}\n    routes:\n      - paths: [/]\n`, {
    proxySslListen: '127.0.0.1:0',
    sslCert: certFile,
    sslCertKey: keyFile,
  });
  const res = await httpsGet(gw.proxySslAddress!.port, '/', { servername: 'anything.test' });
  t.equal(res.status, 200);
  t.equal(res.peer.subject.CN, 'default.test');
  await t.rejects(
    startTestGateway('_format_version: "3.0"\n', { proxySslListen: '127.0.0.1:0', sslCert: certFile, sslCertKey: certFile }),
    'a certificate given as its own key fails the start',
  );
});
