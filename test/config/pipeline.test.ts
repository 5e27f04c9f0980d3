/**
 * The stage order of the config pipeline (src/config/load.ts): derived values are in before the uniqueness check,
 * checks change nothing, and the clock is the load's (LoadOptions.now) everywhere.
 */
import t from 'tap';
import { runChecks } from '../../src/config/checks.js';
import { deriveValues } from '../../src/config/derive.js';
import { flatten } from '../../src/config/flatten.js';
import { loadConfigText } from '../../src/config/load.js';
import { normalizeRow } from '../../src/config/normalize.js';
import { resolveReferences } from '../../src/config/references.js';
import { parse } from 'yaml';
import { makePki } from '../tls/pki.js';

const pki = makePki();
t.teardown(() => pki.cleanup());
const DAY = 86_400_000;
const indent = (pem: string, pad: string) => pem.trim().split('\n').join(`\n${pad}`);
const caYaml = (cert: string, extra = '') => `  - cert: |\n      ${indent(cert, '      ')}\n${extra}`;

t.test('uniqueness sees derived values: the same CA certificate twice, no cert_digest written', async (t) => {
  // Kong ca_certificates.lua: cert_digest is unique and derived from cert (its transformations, over a written
  // digest unless `_transform: false`). With a database Kong refuses the second insert; sluice refuses the file,
  // whether the digests are written or derived.
  const dup = /^uniqueness violation: 'ca_certificates' entity with cert_digest set to '[0-9a-f]{64}' already declared$/;
  const digest = (d: string) => `    cert_digest: ${d}\n`;
  const cases: [name: string, head: string, certs: string, want: RegExp | null][] = [
    ['the same CA twice, digests derived', '', caYaml(pki.ca.cert) + caYaml(pki.ca.cert), dup],
    ['two different CAs', '', caYaml(pki.ca.cert) + caYaml(pki.otherCa.cert), null],
    ['equal digests written, _transform on: computed digests replace them', '', caYaml(pki.ca.cert, digest('abc')) + caYaml(pki.otherCa.cert, digest('abc')), null],
    ['equal digests written, _transform: false', '_transform: false\n', caYaml(pki.ca.cert, digest('abc')) + caYaml(pki.otherCa.cert, digest('abc')), /^uniqueness violation: 'ca_certificates' entity with cert_digest set to 'abc' already declared$/],
    ['the same CA twice, _transform: false, none written', '_transform: false\n', caYaml(pki.ca.cert) + caYaml(pki.ca.cert), dup],
  ];
  for (const [name, head, certs, want] of cases) {
    const r = loadConfigText(`_format_version: "3.0"\n${head}ca_certificates:\n${certs}`, 'kong.yaml', { env: {} });
    if (want === null) {
      t.ok(r.ok, name, r.ok ? {} : { errors: r.errors });
      continue;
    }
    t.notOk(r.ok, name);
    if (!r.ok) t.match(r.errors, [{ path: 'ca_certificates[1].cert_digest', message: want }], name);
  }
});

t.test('every time read is LoadOptions.now', async (t) => {
  const yaml = `_format_version: "3.0"\nca_certificates:\n${caYaml(pki.ca.cert)}services:\n  - host: h\n`;
  const cases: [name: string, now: number, expired: boolean][] = [
    ['now (the CA is valid for two days)', Date.now(), false],
    ['ten days on: Kong\'s "Not After" check fails', Date.now() + 10 * DAY, true],
  ];
  for (const [name, now, expired] of cases) {
    const r = loadConfigText(yaml, 'kong.yaml', { env: {}, now });
    t.equal(!r.ok, expired, name);
    if (!r.ok) t.match(r.errors[0], { path: 'ca_certificates[0].cert', message: 'certificate expired, "Not After" time is in the past' });
    else t.equal(r.config.entities.services[0]!.created_at, Math.floor(now / 1000), `${name}: created_at from the same clock`);
  }
});

t.test('checks are pure: they change no row', async (t) => {
  const yaml = `_format_version: "3.0"
services:
  - name: s
    url: http://h:81/p
    routes: [{ name: r, paths: [/a] }]
    plugins: [{ name: key-auth }, { name: request-termination, config: { status_code: 403 } }]
consumers:
  - username: u
    keyauth_credentials: [{}]
    basicauth_credentials: [{ username: b, password: p }]
    jwt_secrets: [{}]
    hmacauth_credentials: [{ username: hm }]
upstreams: [{ name: up, targets: [{ target: "10.0.0.1:80" }] }]
ca_certificates:
${caYaml(pki.ca.cert)}`;
  const doc = parse(yaml) as Record<string, unknown>;
  const rows = flatten(doc);
  const problems: never[] = [];
  for (const list of rows.values()) for (const row of list) normalizeRow(row, Date.UTC(2026, 0, 1), problems);
  resolveReferences(rows, problems);
  deriveValues(rows, { hash: 'f'.repeat(32), transform: true });
  const before = JSON.stringify([...rows.values()].map((l) => l.map((r) => r.value)));
  runChecks(rows, { problems, env: {}, now: Date.now() });
  t.same(problems, [], 'the config is valid');
  t.equal(JSON.stringify([...rows.values()].map((l) => l.map((r) => r.value))), before, 'rows are as normalization left them');
  const derived = rows.get('keyauth_credentials')![0]!.value.key;
  t.match(derived, /^[0-9a-f]{32}$/, 'the generated key-auth key is derived before checks run');
  t.match(rows.get('ca_certificates')![0]!.value.cert_digest, /^[0-9a-f]{64}$/, 'and the CA digest');
  t.not(rows.get('basicauth_credentials')![0]!.value.password, 'p', 'and the stored basic-auth password');
});
