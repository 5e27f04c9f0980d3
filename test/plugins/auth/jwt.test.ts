// jwt through a real gateway: HMAC, RSA and ECDSA tokens signed at test time, where tokens are found,
// Kong's 401 bodies and challenges, registered claims, maximum_expiration, secret_is_base64 and anonymous.
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import t from 'tap';
import { gatewayWithService, startError } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

const b64url = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');

function token(alg: string, claims: object, key: string | Buffer | KeyObject, header: object = {}): string {
  const input = `${b64url({ typ: 'JWT', alg, ...header })}.${b64url(claims)}`;
  const hash = `sha${alg.slice(2)}`;
  let sig: Buffer;
  if (alg.startsWith('HS')) sig = createHmac(hash, key as string | Buffer).update(input).digest();
  else if (alg.startsWith('ES')) sig = sign(hash, Buffer.from(input), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  else sig = sign(hash, Buffer.from(input), key as KeyObject);
  return `${input}.${sig.toString('base64url')}`;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const pem = (k: KeyObject) => JSON.stringify(k.export({ type: 'spki', format: 'pem' }));
const now = () => Math.floor(Date.now() / 1000);
type Echo = { headers: Record<string, string> };

t.test('jwt', async (t) => {
  const { gw, up } = await gatewayWithService(t, `
      - name: plain
        paths: [/plain]
        plugins:
          - name: jwt
            config: { claims_to_verify: [exp, nbf], cookie_names: [session] }
      - name: realm
        paths: [/realm]
        plugins:
          - name: jwt
            config: { realm: api, key_claim_name: kid, header_names: [x-jwt] }
      - name: max
        paths: [/max]
        plugins:
          - name: jwt
            config: { claims_to_verify: [exp], maximum_expiration: 60 }
      - name: b64
        paths: [/b64]
        plugins:
          - name: jwt
            config: { secret_is_base64: true }
      - name: anon
        paths: [/anon]
        plugins:
          - name: jwt
            config: { anonymous: guest }
`, { more: `
consumers:
  - username: alice
    custom_id: A-1
    jwt_secrets:
      - key: alice-hs
        secret: alice-secret
      - key: alice-hs512
        algorithm: HS512
        secret: alice-secret-512
      - key: alice-rs
        algorithm: RS256
        rsa_public_key: ${pem(rsa.publicKey)}
      - key: alice-es256
        algorithm: ES256
        rsa_public_key: ${pem(ec256.publicKey)}
      - key: alice-es384
        algorithm: ES384
        rsa_public_key: ${pem(ec384.publicKey)}
      - key: alice-b64
        secret: ${Buffer.from('raw secret bytes').toString('base64')}
  - username: guest
` });
  const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` });
  const exp = () => now() + 300;
  // Valid registered claims for /plain, which verifies both.
  const claims = (iss: string, extra: object = {}) => ({ iss, exp: exp(), nbf: now() - 5, ...extra });

  t.test('good tokens of every algorithm authenticate', async (t) => {
    const good: [string, string][] = [
      ['HS256', token('HS256', claims('alice-hs'), 'alice-secret')],
      ['HS512', token('HS512', claims('alice-hs512'), 'alice-secret-512')],
      ['RS256', token('RS256', claims('alice-rs'), rsa.privateKey)],
      ['ES256', token('ES256', claims('alice-es256'), ec256.privateKey)],
      ['ES384', token('ES384', claims('alice-es384'), ec384.privateKey)],
    ];
    for (const [alg, tok] of good) {
      const r = await request(gw.port, '/plain', { headers: bearer(tok) });
      t.equal(r.status, 200, alg);
      const h = r.json<Echo>().headers;
      t.equal(h['x-consumer-username'], 'alice', `${alg}: consumer`);
      t.equal(h['x-consumer-custom-id'], 'A-1', `${alg}: custom id`);
      t.equal(h['x-credential-identifier'], JSON.parse(Buffer.from(tok.split('.')[1]!, 'base64url').toString()).iss, `${alg}: jwt names the credential by key`);
    }
    const hs = good[0]![1];
    t.equal((await request(gw.port, `/plain?jwt=${hs}`)).status, 200, 'from the query');
    t.equal((await request(gw.port, '/plain', { headers: { cookie: `a=b; session=${hs}` } })).status, 200, 'from a cookie');
    t.equal((await request(gw.port, '/plain', { headers: { authorization: `bearer ${hs}` } })).status, 200, 'scheme in lower case');
    t.equal((await request(gw.port, `/plain?jwt=${hs}`, { headers: bearer(hs) })).status, 200, 'the same token twice is one token');
  });

  t.test('failures answer 401 with Kong bodies and challenges', async (t) => {
    const before = up.seen.length;
    const cases: [string, Record<string, string>, string, unknown][] = [
      ['no token', {}, 'Bearer', { message: 'Unauthorized' }],
      ['not a jwt', bearer('abc'), 'Bearer error="invalid_token"', { message: 'Bad token; invalid JSON' }],
      ['unknown alg', bearer(token('HS256', { iss: 'alice-hs' }, 'x', { alg: 'none' })), 'Bearer error="invalid_token"', { message: 'Bad token; invalid alg' }],
      ['no iss', bearer(token('HS256', { sub: 'x' }, 'alice-secret')), 'Bearer error="invalid_token"', { message: "No mandatory 'iss' in claims" }],
      ['empty iss', bearer(token('HS256', { iss: '' }, 'alice-secret')), 'Bearer error="invalid_token"', { message: "Invalid 'iss' in claims" }],
      ['unknown iss', bearer(token('HS256', { iss: 'who' }, 'alice-secret')), 'Bearer error="invalid_token"', { message: "No credentials found for given 'iss'" }],
      ['alg differs from the credential', bearer(token('HS384', claims('alice-hs'), 'alice-secret')), 'Bearer error="invalid_token"', { message: 'Invalid algorithm' }],
      ['HS bad signature', bearer(token('HS256', claims('alice-hs'), 'wrong')), 'Bearer error="invalid_token"', { message: 'Invalid signature' }],
      ['RS bad signature', bearer(token('RS256', claims('alice-rs'), otherRsa.privateKey)), 'Bearer error="invalid_token"', { message: 'Invalid signature' }],
      ['ES bad signature', bearer(token('ES256', claims('alice-es256'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)), 'Bearer error="invalid_token"', { message: 'Invalid signature' }],
      ['expired', bearer(token('HS256', claims('alice-hs', { exp: now() - 10 }), 'alice-secret')), 'Bearer error="invalid_token"', { exp: 'token expired' }],
      ['not yet valid', bearer(token('HS256', claims('alice-hs', { nbf: now() + 100 }), 'alice-secret')), 'Bearer error="invalid_token"', { nbf: 'token not valid yet' }],
      ['exp not a number', bearer(token('HS256', { iss: 'alice-hs', exp: 'soon', nbf: 'x' }, 'alice-secret')), 'Bearer error="invalid_token"', { exp: 'must be a number', nbf: 'must be a number' }],
      ['two different tokens', { ...bearer(token('HS256', claims('alice-hs'), 'alice-secret')), cookie: 'session=other' }, 'Bearer error="invalid_token"', { message: 'Multiple tokens provided' }],
    ];
    for (const [name, headers, challenge, body] of cases) {
      const r = await request(gw.port, '/plain', { headers });
      t.equal(r.status, 401, name);
      t.equal(r.headers['www-authenticate'], challenge, `${name}: challenge`);
      t.same(r.json(), body, `${name}: body`);
    }
    t.equal(up.seen.length, before, 'no failure reached the upstream');
  });

  t.test('realm, key_claim_name from the header, header_names', async (t) => {
    const tok = token('HS256', {}, 'alice-secret', { kid: 'alice-hs' });
    t.equal((await request(gw.port, '/realm', { headers: { 'x-jwt': `Bearer ${tok}` } })).status, 200);
    const none = await request(gw.port, '/realm', { headers: bearer(tok) });
    t.equal(none.status, 401, 'only the configured header is read');
    t.equal(none.headers['www-authenticate'], 'Bearer realm="api"');
    const bad = await request(gw.port, '/realm', { headers: { 'x-jwt': 'Bearer x.y' } });
    t.equal(bad.headers['www-authenticate'], 'Bearer realm="api", error="invalid_token"');
  });

  t.test('maximum_expiration', async (t) => {
    t.equal((await request(gw.port, '/max', { headers: bearer(token('HS256', { iss: 'alice-hs', exp: now() + 30 }, 'alice-secret')) })).status, 200);
    const r = await request(gw.port, '/max', { headers: bearer(token('HS256', { iss: 'alice-hs', exp: now() + 3600 }, 'alice-secret')) });
    t.equal(r.status, 401);
    t.same(r.json(), { exp: 'exceeds maximum allowed expiration' });
  });

  t.test('secret_is_base64 signs with the decoded secret', async (t) => {
    const good = token('HS256', { iss: 'alice-b64' }, Buffer.from('raw secret bytes'));
    t.equal((await request(gw.port, '/b64', { headers: bearer(good) })).status, 200);
    t.equal((await request(gw.port, '/plain', { headers: bearer(good) })).status, 401, 'without the flag the encoded text is the secret');
  });

  t.test('anonymous', async (t) => {
    const r = await request(gw.port, '/anon', { headers: bearer('garbage') });
    t.equal(r.status, 200);
    t.equal(r.json<Echo>().headers['x-consumer-username'], 'guest');
    t.equal(r.json<Echo>().headers['x-anonymous-consumer'], 'true');
  });
});

t.test('maximum_expiration needs exp in claims_to_verify', async (t) => {
  // Kong's conditional entity check: a claims_to_verify without exp fails; a null one is not checked.
  const load = (config: string) => startError(`_format_version: "3.0"\nplugins:\n  - name: jwt\n    config: ${config}\n`);
  t.match(await load('{ maximum_expiration: 10, claims_to_verify: [nbf] }'), /failed conditional validation[^]*expected to contain: exp/);
  t.equal(await load('{ maximum_expiration: 10, claims_to_verify: [exp] }'), null);
  t.equal(await load('{ maximum_expiration: 10 }'), null, 'claims_to_verify null passes, as in Kong');
});
