import t from 'tap';
import type { Service } from '../../src/schema/index.js';
import { compileUpstreamTls, indexTlsEntities } from '../../src/tls/upstream-tls.js';

const service = (over: Partial<Service>): Service =>
  ({ id: 's', protocol: 'https', host: 'api.example.com', port: 443, ...over }) as Service;

t.test('compiled upstream TLS per service', async (t) => {
  const tls = indexTlsEntities(
    [{ id: 'c1', cert: 'CERT', key: 'KEY' } as never],
    [{ id: 'ca1', cert: 'CA1' } as never, { id: 'ca2', cert: 'CA2' } as never],
  );
  const cases: [string, Partial<Service>, unknown][] = [
    ['http service: none', { protocol: 'http' }, null],
    [
      'https defaults: verify off, SNI = host',
      {},
      { servername: 'api.example.com', rejectUnauthorized: false, verifyDepth: undefined, ca: undefined, cert: undefined, key: undefined },
    ],
    ['no SNI for an IPv4 host', { host: '10.0.0.1' }, { servername: undefined }],
    ['no SNI for an IPv6 host', { host: '::1' }, { servername: undefined }],
    ['tls_verify and depth', { tls_verify: true, tls_verify_depth: 2 }, { rejectUnauthorized: true, verifyDepth: 2 }],
    ['ca_certificates → PEM list, in order', { ca_certificates: ['ca2', 'ca1'] }, { ca: ['CA2', 'CA1'] }],
    ['client_certificate → cert/key', { client_certificate: { id: 'c1' } }, { cert: 'CERT', key: 'KEY' }],
    ['grpcs too', { protocol: 'grpcs' }, { servername: 'api.example.com' }],
  ];
  for (const [name, over, want] of cases) {
    const got = compileUpstreamTls(service(over), tls);
    if (want === null) t.equal(got, null, name);
    else t.match(got, want, name);
  }
});
