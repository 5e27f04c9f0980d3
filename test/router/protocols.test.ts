/** Which routes the HTTP router takes, and which refuse plain text (Kong runloop; EE's wss like https). */
import t from 'tap';
import { isHttpSubsystemRoute, requiresTls } from '../../src/router/index.js';

t.test('http-subsystem routes and TLS-only routes', async (t) => {
  const rows: [protocols: string[], http: boolean, tlsOnly: boolean][] = [
    [['http', 'https'], true, false],
    [['http'], true, false],
    [['https'], true, true],
    [['grpc', 'grpcs'], true, false],
    [['grpcs'], true, false], // Kong answers a plain-text gRPC request itself (grpc-status 1), not with 426
    [['ws'], true, false],
    [['wss'], true, true],
    [['ws', 'wss'], true, false],
    [['tcp'], false, false],
    [['tls', 'udp'], false, false],
    [['tls_passthrough'], false, false],
  ];
  for (const [protocols, http, tlsOnly] of rows) {
    t.equal(isHttpSubsystemRoute(protocols), http, `${protocols.join(',')}: in the HTTP router`);
    t.equal(requiresTls(protocols), tlsOnly, `${protocols.join(',')}: plain text refused`);
  }
});
