/**
 * Secrets in Admin API answers: `[redacted]` by default in items, collections, nested and parent endpoints and
 * the `/config` export; in full with `exposeSecrets`. Real snapshots, real key material.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse, stringify } from 'yaml';
import { REDACTED, redactJwk, redactRow } from '../../src/snapshot/admin-secrets.js';
import { createAdminServer } from '../../src/admin/server.js';
import { adminOver, snapshotOf } from './fixtures/real-snapshot.js';

const CERT_ID = '5f3c2f9e-2c1d-4a8e-9b61-0c6f1e0a7d11'; // examples/13's certificate
const example = parse(readFileSync('examples/13-certificates-and-snis.yaml', 'utf8')) as Record<string, unknown>;
const certKey = (example['certificates'] as { key: string }[])[0]!.key;

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'jwk-1' };

const config = stringify({
  ...example,
  key_sets: [{ name: 'set-1' }],
  keys: [
    { name: 'pem-key', kid: 'pem-1', set: 'set-1', pem: { private_key: privatePem, public_key: publicPem } },
    { name: 'jwk-key', kid: 'jwk-1', set: 'set-1', jwk: JSON.stringify(privateJwk) },
  ],
  consumers: [
    {
      username: 'alice',
      keyauth_credentials: [{ key: 'alice-api-key' }],
      basicauth_credentials: [{ username: 'alice-b', password: 'pw' }],
      jwt_secrets: [{ key: 'alice-iss', secret: 'alice-jwt-secret' }],
      hmacauth_credentials: [{ username: 'alice-h', secret: 'alice-hmac-secret' }],
    },
  ],
  plugins: [{ name: 'rate-limiting', instance_name: 'rl', config: { minute: 5, policy: 'redis', redis: { host: '127.0.0.1', password: 'redis-password' } } }],
});
const snap = snapshotOf(config);
const redacting = adminOver(snap);
const exposing = adminOver(snap, { exposeSecrets: true });

const SECRET_VALUES = [certKey.trim().split('\n')[1]!, privatePem.split('\n')[1]!, privateJwk.d!, 'alice-api-key', 'alice-jwt-secret', 'alice-hmac-secret', 'redis-password'];

t.test('no secret value appears in any default response', async (t) => {
  const urls = [
    '/certificates',
    `/certificates/${CERT_ID}`,
    '/certificates/shop.example.test',
    '/services/payments/client_certificate',
    '/keys',
    '/keys/pem-key',
    '/keys/jwk-key',
    '/key-sets/set-1/keys',
    '/key-sets/set-1/keys/jwk-key',
    '/key-auths',
    '/key-auths/alice-api-key',
    '/consumers/alice/key-auth',
    '/consumers/alice/key-auth/alice-api-key',
    '/jwts',
    '/consumers/alice/jwt',
    '/consumers/alice/jwt/alice-iss',
    '/hmac-auths',
    '/consumers/alice/hmac-auth/alice-h',
    '/plugins',
    '/plugins/rl',
    '/config',
    '/config?format=json',
  ];
  for (const url of urls) {
    const res = redacting('GET', url);
    t.equal(res.status, 200, `${url} status`);
    const text = JSON.stringify(res.body);
    for (const secret of SECRET_VALUES) t.notOk(text.includes(secret), `${url} hides ${secret.slice(0, 12)}…`);
    t.ok(text.includes(REDACTED), `${url} says what was hidden`);
    const full = JSON.stringify(exposing('GET', url).body);
    t.notOk(full.includes(REDACTED), `${url} with exposeSecrets`);
  }
});

t.test('what is redacted and what is kept', async (t) => {
  type Body = Record<string, unknown>;
  const get = (call: typeof redacting, url: string) => call('GET', url).body as Body;
  const cert = get(redacting, `/certificates/${CERT_ID}`);
  t.equal(cert['key'], REDACTED);
  t.equal(cert['key_alt'], null, 'absent stays null');
  t.match(cert['cert'], /BEGIN CERTIFICATE/, 'the certificate itself is public');
  t.equal(get(exposing, `/certificates/${CERT_ID}`)['key'], certKey);

  t.same(get(redacting, '/keys/pem-key')['pem'], { private_key: REDACTED, public_key: publicPem });
  const jwk = JSON.parse(get(redacting, '/keys/jwk-key')['jwk'] as string) as Record<string, string>;
  t.same(jwk, { ...privateJwk, d: REDACTED }, 'public members stay');
  t.same(JSON.parse(get(exposing, '/keys/jwk-key')['jwk'] as string), privateJwk);

  t.equal(get(redacting, '/consumers/alice/key-auth/alice-api-key')['key'], REDACTED, 'looked up by its key, shown redacted');
  t.equal(get(redacting, '/consumers/alice/jwt/alice-iss')['key'], 'alice-iss', "a jwt's key is its issuer, not a secret");
  t.equal(get(redacting, '/consumers/alice/jwt/alice-iss')['secret'], REDACTED);
  t.equal(get(exposing, '/consumers/alice/jwt/alice-iss')['secret'], 'alice-jwt-secret');
  const basic = (get(redacting, '/consumers/alice/basic-auth') as { data: Body[] }).data[0]!;
  t.match(basic['password'], /^[0-9a-f]{40}$/, 'basic-auth keeps its password hash');
  t.not(basic['password'], REDACTED);
  const page = get(redacting, '/key-auths') as { data: Body[] };
  t.same(page.data.map((r) => r['key']), [REDACTED]);
  t.equal(get(exposing, '/key-auths/alice-api-key')['key'], 'alice-api-key');

  const redis = (get(redacting, '/plugins/rl')['config'] as { redis: Body }).redis;
  t.match(redis, { password: REDACTED, host: '127.0.0.1', port: 6379 }, "a plugin's secret config field; the rest stays");
  t.equal((get(exposing, '/plugins/rl')['config'] as { redis: Body }).redis['password'], 'redis-password');
});

t.test('/config: yaml comment, json and headers in both modes', async (t) => {
  const yaml = redacting('GET', '/config');
  const text = (yaml.body as { config: string }).config;
  t.match(text, /^# secrets redacted: [^\n]*\n_format_version: "3.0"\n/);
  t.equal(yaml.headers?.['x-sluice-config-hash'], snap.hash);
  t.equal(yaml.headers?.['x-sluice-secrets'], 'redacted');

  const exposed = exposing('GET', '/config');
  const full = (exposed.body as { config: string }).config;
  t.match(full, /^_format_version: "3.0"\n/, 'no comment when nothing was hidden');
  t.equal(exposed.headers?.['x-sluice-secrets'], undefined);
  t.same(parse(full), (exposing('GET', '/config?format=json').body as { config: unknown }).config, 'json = the yaml document');
  t.same(parse(text), (redacting('GET', '/config?format=json').body as { config: unknown }).config);

  const json = redacting('GET', '/config?format=json');
  t.same(Object.keys(json.body as object), ['config', 'hash']);
  t.equal((json.body as { hash: string }).hash, snap.hash);
  t.equal(json.headers?.['x-sluice-config-hash'], snap.hash);
  t.same(redacting('GET', '/config?format=xml'), { status: 400, body: { message: "invalid format 'xml' (expected 'yaml' or 'json')" } });
});

t.test('redactRow and redactJwk', async (t) => {
  t.equal(redactRow('services', { id: 'x', name: 's' }), null, 'entities without secrets are not copied');
  t.equal(redactRow('certificates', { id: 'x', key: null, key_alt: null }), null);
  t.same(redactRow('hmacauth_credentials', { id: 'x', secret: 's', username: 'u' }), { id: 'x', secret: REDACTED, username: 'u' });
  t.equal(redactRow('keys', { id: 'x', pem: { public_key: 'P' }, jwk: null }), null, 'public-only pem');
  t.equal(redactRow('basicauth_credentials', { id: 'x', password: 'hash' }), null, 'hashed passwords are shown');
  t.equal(redactRow('plugins', { id: 'x', name: 'cors', config: { origins: ['*'] } }), null, 'plugins without secret fields');
  t.equal(redactRow('plugins', { id: 'x', name: 'rate-limiting', config: { redis: { password: null }, redis_password: null } }), null, 'unset');
  t.same(redactRow('plugins', { id: 'x', name: 'rate-limiting', config: { redis: { password: 'p' }, redis_password: 'q' } }), {
    id: 'x',
    name: 'rate-limiting',
    config: { redis: { password: REDACTED }, redis_password: REDACTED },
  });
  const cases: [string, string][] = [
    ['{"kty":"EC","x":"1","y":"2"}', '{"kty":"EC","x":"1","y":"2"}'],
    ['{"kty":"RSA","n":"n","e":"e","d":"d","p":"p","q":"q","dp":"1","dq":"2","qi":"3"}', JSON.stringify({ kty: 'RSA', n: 'n', e: 'e', d: REDACTED, p: REDACTED, q: REDACTED, dp: REDACTED, dq: REDACTED, qi: REDACTED })],
    ['{"kty":"oct","k":"c2VjcmV0"}', JSON.stringify({ kty: 'oct', k: REDACTED })],
    ['not json', REDACTED],
    ['[1]', REDACTED],
  ];
  for (const [input, want] of cases) t.equal(redactJwk(input), want, input);
});

t.test('over HTTP: the option reaches the handlers and the headers go out', async (t) => {
  for (const exposeSecrets of [false, true]) {
    const server = createAdminServer({
      current: () => snap,
      lastReloadError: () => null,
      stats: () => ({ total_requests: 0, connections_active: 0, connections_accepted: 0, connections_handled: 0 }),
      nodeId: 'n',
      hostname: 'h',
      version: '0',
      configuration: {},
      logLevel: () => 'error',
      runtime: () => ({ draining: 0, healthCheckers: 0 }),
      ...(exposeSecrets ? { exposeSecrets } : {}),
    });
    t.teardown(() => server.close());
    const addr = await server.listen({ host: '127.0.0.1', port: 0 });
    if (!('port' in addr)) throw new Error('tcp expected');
    const res = await fetch(`http://127.0.0.1:${addr.port}/config?format=json`);
    t.equal(res.headers.get('X-Sluice-Config-Hash'), snap.hash);
    t.equal(res.headers.get('x-sluice-secrets'), exposeSecrets ? null : 'redacted');
    const body = (await res.json()) as { hash: string };
    t.equal(body.hash, snap.hash);
    t.equal(JSON.stringify(body).includes('alice-api-key'), exposeSecrets, `exposeSecrets=${exposeSecrets}`);
    await server.close();
  }
});
