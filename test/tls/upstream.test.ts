import t from 'tap';
import { gateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { makePki, yamlPem } from './pki.js';
import { startTlsUpstream } from './tls-upstream.js';

const CA_ID = '6b2c1a0e-0000-4000-8000-000000000001';
const OTHER_CA_ID = '6b2c1a0e-0000-4000-8000-000000000002';
const CLIENT_ID = '6b2c1a0e-0000-4000-8000-000000000003';
const BAD_GATEWAY = 'An invalid response was received from the upstream server';

const pki = makePki();
t.teardown(() => pki.cleanup());
// Upstreams are addressed by IP, so their certificates name the IP (no SNI is sent for IPs).
const serverPair = pki.issue('upstream', { san: 'IP:127.0.0.1' });
const client = pki.issue('sluice-client', { clientAuth: true });

/** A pre-function access source as a YAML double-quoted scalar (JSON strings are valid YAML). */
const pre = (source: string) => `
    plugins:
      - name: pre-function
        config:
          access:
            - ${JSON.stringify(source)}`;

t.test('upstream TLS', async (t) => {
  const plain = await startTlsUpstream(serverPair);
  const mtls = await startTlsUpstream(serverPair, pki.ca.cert);
  t.teardown(() => Promise.all([plain.close(), mtls.close()]));
  const svc = (name: string, port: number, extra: string, plugins = '') => `
  - name: ${name}
    url: https://127.0.0.1:${port}/${name}
    retries: 1${extra}
    routes:
      - hosts: [${name}.test]${plugins}`;
  const gw = await gateway(
    t,
    `_format_version: "3.0"
ca_certificates:
  - id: ${CA_ID}
    cert: ${yamlPem(pki.ca.cert, 6)}
  - id: ${OTHER_CA_ID}
    cert: ${yamlPem(pki.otherCa.cert, 6)}
certificates:
  - id: ${CLIENT_ID}
    cert: ${yamlPem(client.cert, 6)}
    key: ${yamlPem(client.key, 6)}
services:${svc('default-off', plain.port, '')}${svc('verify-system', plain.port, '\n    tls_verify: true')}${svc(
        'verify-wrong-ca',
        plain.port,
        `\n    tls_verify: true\n    ca_certificates: [${OTHER_CA_ID}]`,
      )}${svc('verify-ok', plain.port, `\n    tls_verify: true\n    ca_certificates: [${CA_ID}]`)}${svc(
        'mtls-ok',
        mtls.port,
        `\n    tls_verify: true\n    ca_certificates: [${CA_ID}]\n    client_certificate: ${CLIENT_ID}`,
      )}${svc('mtls-none', mtls.port, '')}${svc('pdk-verify-off', plain.port, '\n    tls_verify: true', pre('kong.service.set_tls_verify(false)'))}${svc(
        'pdk-store',
        plain.port,
        '\n    tls_verify: true',
        pre(`kong.service.set_tls_verify_store(${JSON.stringify(pki.ca.cert)})`),
      )}${svc('pdk-cert-key', mtls.port, '', pre(`kong.service.set_tls_cert_key(${JSON.stringify(client.cert)}, ${JSON.stringify(client.key)})`))}
`,
  );
  const get = (host: string) => request(gw.port, '/x', { headers: { host: `${host}.test` } });

  await t.test('tls_verify defaults to off (Kong proxy_ssl_verify=off): an untrusted upstream is used', async (t) => {
    const res = await get('default-off');
    t.equal(res.status, 200);
    t.equal(res.json().url, '/default-off/x');
  });

  await t.test('verification failures answer 502 with Kong body', async (t) => {
    for (const name of ['verify-system', 'verify-wrong-ca']) {
      const res = await get(name);
      t.equal(res.status, 502, name);
      t.match(res.json(), { message: BAD_GATEWAY, request_id: String }, name);
    }
  });

  await t.test('ca_certificates make the upstream trusted', async (t) => {
    const res = await get('verify-ok');
    t.equal(res.status, 200);
    t.equal(res.json().clientCn, null, 'no client certificate sent when none is configured');
  });

  await t.test('client_certificate: mTLS accepted; refused without it', async (t) => {
    const ok = await get('mtls-ok');
    t.equal(ok.status, 200);
    t.equal(ok.json().clientCn, 'sluice-client');
    const none = await get('mtls-none');
    t.equal(none.status, 502);
    t.match(none.json(), { message: BAD_GATEWAY });
  });

  await t.test('PDK overrides per request', async (t) => {
    const off = await get('pdk-verify-off');
    t.equal(off.status, 200, 'kong.service.set_tls_verify(false) on a verifying service');
    const store = await get('pdk-store');
    t.equal(store.status, 200, 'kong.service.set_tls_verify_store trusts the test CA');
    const certKey = await get('pdk-cert-key');
    t.equal(certKey.status, 200, 'kong.service.set_tls_cert_key presents a client certificate');
    t.equal(certKey.json().clientCn, 'sluice-client');
  });
});
