/** tls_verify_depth: a chain root → intermediate → leaf needs depth 2; depth 1 refuses it (Kong: 502). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { gateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';
import { yamlPem } from './pki.js';
import { startTlsUpstream } from './tls-upstream.js';

const ROOT_ID = '5b8c8f6e-1f0a-4d7e-9a55-0e2a4c1d9b01';

function chain(): { root: string; leafChain: string; leafKey: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-depth-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
  run(['req', '-x509', ...ec, '-subj', '/CN=depth root', '-keyout', 'root.key', '-out', 'root.crt',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-x509', ...ec, '-subj', '/CN=depth intermediate', '-keyout', 'int.key', '-out', 'int.crt', '-CA', 'root.crt', '-CAkey', 'root.key',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-x509', ...ec, '-subj', '/CN=deep.test', '-keyout', 'leaf.key', '-out', 'leaf.crt', '-CA', 'int.crt', '-CAkey', 'int.key',
    '-addext', 'subjectAltName=DNS:deep.test,IP:127.0.0.1', '-addext', 'basicConstraints=CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth']);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  writeFileSync(join(dir, 'chain.crt'), read('leaf.crt') + read('int.crt'));
  return { root: read('root.crt'), leafChain: read('chain.crt'), leafKey: read('leaf.key'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

t.test('tls_verify_depth limits the upstream chain', async (t) => {
  const c = chain();
  t.teardown(c.cleanup);
  const up = await startTlsUpstream({ cert: c.leafChain, key: c.leafKey });
  t.teardown(() => up.close());
  const svc = (name: string, depth: number) => `
  - name: ${name}
    url: https://127.0.0.1:${up.port}
    tls_verify: true
    tls_verify_depth: ${depth}
    ca_certificates: [${ROOT_ID}]
    routes:
      - hosts: [${name}.test]
        preserve_host: false`;
  const gw = await gateway(t, `_format_version: "3.0"
ca_certificates:
  - id: ${ROOT_ID}
    cert: ${yamlPem(c.root, 6)}
services:${svc('shallow', 1)}${svc('deep', 2)}
`);
  // The leaf certificate carries IP:127.0.0.1, so only the chain length differs between the two services.
  const deep = await request(gw.port, '/', { headers: { host: 'deep.test' } });
  const shallow = await request(gw.port, '/', { headers: { host: 'shallow.test' } });
  t.equal(shallow.status, 502, 'depth 1: an intermediate CA makes the chain too long');
  t.equal(deep.status, 200, 'depth 2: root → intermediate → leaf verifies');
});
