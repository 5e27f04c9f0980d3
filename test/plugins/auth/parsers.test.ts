// The pure parts of the auth plugins, table-driven: credential parsing, token decoding, claim checks, ACL
// decisions and the once-per-snapshot indexes.
import t from 'tap';
import { decide } from '../../../src/plugins/acl/decide.js';
import { keyauthByKey } from '../../../src/plugins/auth/credential-index.js';
import { sameSecret } from '../../../src/plugins/auth/constant-time.js';
import { parseBasic } from '../../../src/plugins/basic-auth/parse-basic.js';
import { parseHmacParams } from '../../../src/plugins/hmac-auth/signature-params.js';
import { decodeToken } from '../../../src/plugins/jwt/decode-token.js';
import { exceedsMaximum, verifyClaims } from '../../../src/plugins/jwt/registered-claims.js';
import { ALGORITHMS } from '../../../src/plugins/jwt/verify-signature.js';
import type { Entities } from '../../../src/schema/index.js';

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

t.test('parseBasic', async (t) => {
  const cases: [string | null, [string, string] | null][] = [
    [null, null],
    [`Basic ${b64('u:p')}`, ['u', 'p']],
    [`basic ${b64('u:p:q')}`, ['u', 'p:q']],
    [`  Basic${b64('u:')}`, ['u', '']],
    [`xBasic ${b64('u:p')}`, ['u', 'p']], // searched, not anchored (Kong)
    [`Basic ${b64(':p')}`, null],
    [`Basic ${b64('::a:b')}`, ['a', 'b']],
    [`Basic ${b64('u:p\nrest')}`, ['u', 'p']],
    ['Basic not*base64', null],
    ['Bearer abc', null],
    [`Basic ${b64('\u00e9:\u00ff')}`, ['\ufffd', '\u00ff']],
  ];
  for (const [header, want] of cases) {
    const got = parseBasic(header);
    t.same(got === null ? null : [got.username, got.password.toString('latin1')], want, String(header));
  }
});

t.test('parseHmacParams', async (t) => {
  t.same(parseHmacParams('hmac username="u", algorithm="hmac-sha256", headers="date request-line", signature="c2ln"'), {
    username: 'u',
    algorithm: 'hmac-sha256',
    headers: ['date', 'request-line'],
    signature: 'c2ln',
  });
  t.equal(parseHmacParams('hmac username="u"'), null);
  t.equal(parseHmacParams(null), null);
});

t.test('decodeToken', async (t) => {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const ok = `${part({ alg: 'HS256' })}.${part({ iss: 'k' })}.c2ln`;
  const got = decodeToken(ok, ALGORITHMS);
  t.not(typeof got, 'string');
  if (typeof got !== 'string') {
    t.equal(got.signingInput, ok.slice(0, ok.lastIndexOf('.')));
    t.equal(got.signature.toString(), 'sig');
    t.same(got.claims, { iss: 'k' });
  }
  const cases: [string, string][] = [
    ['abc', 'invalid JSON'],
    ['a.b', 'invalid JSON'],
    [`${part({ alg: 'HS256' })}.!!!.x`, 'invalid JSON'],
    [`${part({ alg: 'none' })}.${part({})}.x`, 'invalid alg'],
    [`${part([1])}.${part({})}.x`, 'invalid alg'],
    [`${part({ alg: 'HS256' })}.${part('s')}.x`, 'invalid claims'],
    [`${part({ alg: 'HS256' })}.${part({})}.a.b`, 'invalid signature'],
  ];
  for (const [token, reason] of cases) t.equal(decodeToken(token, ALGORITHMS), reason, token);
});

t.test('registered claims', async (t) => {
  const now = 1000;
  t.equal(verifyClaims({ exp: 1001, nbf: 1000 }, ['exp', 'nbf'], now), null);
  t.same(verifyClaims({ exp: 1000 }, ['exp'], now), { exp: 'token expired' });
  t.same(verifyClaims({ nbf: 1001 }, ['nbf'], now), { nbf: 'token not valid yet' });
  t.same(verifyClaims({}, ['exp', 'nbf'], now), { exp: 'must be a number', nbf: 'must be a number' });
  t.equal(verifyClaims({}, [], now), null);
  t.equal(exceedsMaximum({ exp: 1060 }, 60, now), null);
  t.same(exceedsMaximum({ exp: 1061 }, 60, now), { exp: 'exceeds maximum allowed expiration' });
  t.equal(exceedsMaximum({}, 0, now), null);
});

t.test('acl decide', async (t) => {
  const allow = { deny: false, groups: new Set(['a']), hideGroupsHeader: false };
  const deny = { deny: true, groups: new Set(['a']), hideGroupsHeader: false };
  t.same(decide(allow, ['b', 'a']), { blocked: false, header: 'b, a' });
  t.same(decide(allow, ['b']), { blocked: true });
  t.same(decide(deny, ['a']), { blocked: true });
  t.same(decide(deny, ['b']), { blocked: false, header: 'b' });
  t.same(decide(deny, []), { blocked: false, header: null });
  t.same(decide({ ...allow, hideGroupsHeader: true }, ['a']), { blocked: false, header: null });
});

t.test('sameSecret', async (t) => {
  t.ok(sameSecret(Buffer.from('abc'), Buffer.from('abc')));
  t.notOk(sameSecret(Buffer.from('abc'), Buffer.from('abd')));
  t.notOk(sameSecret(Buffer.from('abc'), Buffer.from('abcd')));
});

t.test('indexes are built once per snapshot', async (t) => {
  const consumer = { id: 'c1', username: 'u', custom_id: null };
  const entities = {
    consumers: [consumer],
    keyauth_credentials: [
      { id: 'k1', key: 'key-1', consumer: { id: 'c1' } },
      { id: 'k2', key: 'orphan', consumer: { id: 'gone' } },
    ],
  } as unknown as Entities;
  const a = keyauthByKey(entities);
  t.equal(keyauthByKey(entities), a, 'same entities, same index');
  t.equal(a.get('key-1')?.consumer, consumer);
  t.equal(a.has('orphan'), false, 'a credential without its consumer is left out');
  t.not(keyauthByKey({ ...entities } as Entities), a, 'a new snapshot gets a new index');
  t.equal(keyauthByKey(undefined).size, 0, 'no entities: nothing authenticates');
});
