/** secretValues: which values of a config count as secret; withRedactions: what the redacted form holds. */
import t from 'tap';
import { redactedError } from '../../src/config/errors.js';
import { secretValues, withRedactions } from '../../src/config/secret-values.js';
import type { ConfigError } from '../../src/config/types.js';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\nAwEHBG0wawIBAQQglMkvOE+BUTvSM8Rp\n-----END PRIVATE KEY-----\n';
const env = { SLUICE_SV: 'from-the-vault', SLUICE_SV_JSON: '{"pw":"json-field-secret"}' };

const cases: { name: string; collection: string; row: Record<string, unknown>; want: string[] }[] = [
  { name: 'key-auth key', collection: 'keyauth_credentials', row: { key: 'k-1', ttl: 5 }, want: ['k-1'] },
  { name: 'basic-auth password (plain or hashed, never logged)', collection: 'basicauth_credentials', row: { username: 'u', password: 'pw' }, want: ['pw'] },
  { name: 'jwt secret, not its key (the issuer)', collection: 'jwt_secrets', row: { key: 'iss', secret: 's-1', rsa_public_key: null }, want: ['s-1'] },
  { name: 'hmac secret', collection: 'hmacauth_credentials', row: { username: 'u', secret: 'h-1' }, want: ['h-1'] },
  { name: 'certificate keys line by line, without PEM armor', collection: 'certificates', row: { cert: 'public', key: PEM, key_alt: null }, want: ['MIGHAgEAMBMGByqGSM49AgEGCCqGSM49', 'AwEHBG0wawIBAQQglMkvOE+BUTvSM8Rp'] },
  { name: 'a key pair: the private half', collection: 'keys', row: { kid: 'k', pem: { private_key: 'priv', public_key: 'pub' }, jwk: null }, want: ['priv'] },
  { name: 'a JWK: its private members', collection: 'keys', row: { kid: 'k', jwk: '{"kty":"EC","x":"pubx","d":"privd"}', pem: null }, want: ['privd'] },
  { name: 'a JWK that is not JSON: all of it', collection: 'keys', row: { kid: 'k', jwk: '{"kty":"EC","d":oops}', pem: null }, want: ['{"kty":"EC","d":oops}', '{\\"kty\\":\\"EC\\",\\"d\\":oops}'] },
  { name: 'the Redis password of rate-limiting (both spellings)', collection: 'plugins', row: { name: 'rate-limiting', config: { redis: { password: 'r-1', host: 'h' }, redis_password: 'r-2' } }, want: ['r-1', 'r-2'] },
  { name: 'another plugin: nothing', collection: 'plugins', row: { name: 'cors', config: { origins: ['x'] } }, want: [] },
  { name: 'what vault references resolve to, anywhere', collection: 'services', row: { name: 's', path: '{vault://env/sluice-sv}', tags: ['{vault://env/sluice_sv_json/pw}'] }, want: ['from-the-vault', 'json-field-secret'] },
  { name: 'a reference is not itself a secret', collection: 'keyauth_credentials', row: { key: '{vault://env/missing}' }, want: [] },
  { name: 'entities without secrets', collection: 'routes', row: { name: 'r', paths: ['/key'] }, want: [] },
];

t.test('nested records count, wherever a collection is nested', async (t) => {
  const doc = {
    consumers: [{ username: 'a', keyauth_credentials: [{ key: 'nested-key' }], plugins: [{ name: 'rate-limiting', config: { redis_password: 'nested-redis' } }] }],
    services: [{ name: 's', routes: [{ name: 'r', plugins: [{ name: 'rate-limiting', config: { redis: { password: 'deep-redis' } } }] }] }],
    key_sets: [{ name: 'ks', keys: [{ kid: 'k', pem: { private_key: 'set-key' } }] }],
  };
  t.same([...secretValues(doc, env)].sort(), ['deep-redis', 'nested-key', 'nested-redis', 'set-key']);
  t.same([...secretValues({ consumers: 'not a list', services: [null, 3, 'x'] }, env)], [], 'an invalid document is read as far as it goes');
});

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.same([...secretValues({ [c.collection]: [c.row] }, env)].sort(), [...c.want].sort());
  });
}

t.test('withRedactions: a redacted form only where message or hint quote a secret', async (t) => {
  const errors: ConfigError[] = [
    { path: 'a', message: "key set to 'k-secret-1'", hint: 'first declared at b' },
    { path: 'b', message: 'value must be null', hint: "was 'k-secret-1'" },
    { path: 'c', line: 3, column: 4, message: 'unrelated' },
  ];
  const out = withRedactions(errors, ['k-secret-1']);
  t.same(out[0], { ...errors[0], redacted: { message: "key set to '[redacted]'", hint: 'first declared at b' } });
  t.same(out[1], { ...errors[1], redacted: { message: 'value must be null', hint: "was '[redacted]'" } });
  t.equal(out[2], errors[2], 'untouched errors are the same objects');
  t.same(out.map(redactedError), [
    { path: 'a', message: "key set to '[redacted]'", hint: 'first declared at b' },
    { path: 'b', message: 'value must be null', hint: "was '[redacted]'" },
    { path: 'c', line: 3, column: 4, message: 'unrelated' },
  ]);
});
