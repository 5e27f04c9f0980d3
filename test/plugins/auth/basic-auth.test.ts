// basic-auth through a real gateway: hashed credentials (hashed by the loader, or pre-hashed with
// _transform: false), Proxy-Authorization before Authorization, realm, hide_credentials and anonymous.
import { createHash } from 'node:crypto';
import t from 'tap';
import { gatewayWithService } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

const ALICE = '5c1b5f0e-3a1e-4b8e-9c1a-0b6f1b2c3d4e';
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
type Echo = { headers: Record<string, string> };

t.test('basic-auth', async (t) => {
  const { gw } = await gatewayWithService(t, `
      - name: plain
        paths: [/plain]
        plugins:
          - name: basic-auth
      - name: hidden
        paths: [/hidden]
        plugins:
          - name: basic-auth
            config: { hide_credentials: true, realm: kong }
      - name: anon
        paths: [/anon]
        plugins:
          - name: basic-auth
            config: { anonymous: guest }
`, { more: `
consumers:
  - id: ${ALICE}
    username: alice
    basicauth_credentials:
      - username: alice-login
        password: "s3cret:with colon"
  - username: guest
` });

  const cases: [string, Record<string, string>, number][] = [
    ['no header', {}, 401],
    ['right password', { authorization: basic('alice-login', 's3cret:with colon') }, 200],
    ['lower-case scheme', { authorization: basic('alice-login', 's3cret:with colon').replace('Basic', 'basic') }, 200],
    ['wrong password', { authorization: basic('alice-login', 's3cret') }, 401],
    ['unknown user', { authorization: basic('nobody', 's3cret:with colon') }, 401],
    ['not base64', { authorization: 'Basic %%%' }, 401],
    ['no colon', { authorization: `Basic ${Buffer.from('alice-login').toString('base64')}` }, 401],
    ['bearer scheme', { authorization: 'Bearer abc' }, 401],
    ['proxy-authorization', { 'proxy-authorization': basic('alice-login', 's3cret:with colon') }, 200],
    [
      'unknown proxy user falls back to authorization',
      { 'proxy-authorization': basic('nobody', 'x'), authorization: basic('alice-login', 's3cret:with colon') },
      200,
    ],
    [
      'known proxy user with a wrong password fails',
      { 'proxy-authorization': basic('alice-login', 'x'), authorization: basic('alice-login', 's3cret:with colon') },
      401,
    ],
  ];
  for (const [name, headers, status] of cases) {
    const r = await request(gw.port, '/plain', { headers });
    t.equal(r.status, status, name);
    if (status === 401) {
      t.equal(r.json().message, 'Unauthorized', `${name}: message`);
      t.equal(r.headers['www-authenticate'], 'Basic realm="service"', `${name}: challenge`);
    } else {
      const h = r.json<Echo>().headers;
      t.equal(h['x-consumer-id'], ALICE, `${name}: consumer`);
      t.equal(h['x-credential-identifier'], 'alice-login', `${name}: basic-auth identifies the credential by username`);
      t.ok(h.authorization ?? h['proxy-authorization'], `${name}: credentials kept by default`);
    }
  }

  const hidden = await request(gw.port, '/hidden', { headers: { authorization: basic('alice-login', 's3cret:with colon') } });
  t.equal(hidden.status, 200);
  t.equal(hidden.json<Echo>().headers.authorization, undefined, 'hide_credentials removes Authorization');
  const realm = await request(gw.port, '/hidden');
  t.equal(realm.headers['www-authenticate'], 'Basic realm="kong"');

  const anon = await request(gw.port, '/anon', { headers: { authorization: basic('alice-login', 'bad') } });
  t.equal(anon.status, 200);
  t.equal(anon.json<Echo>().headers['x-consumer-username'], 'guest');
  t.equal(anon.json<Echo>().headers['x-anonymous-consumer'], 'true');
});

t.test('pre-hashed credentials with _transform: false', async (t) => {
  const hash = createHash('sha1').update(`pw${ALICE}`).digest('hex');
  const { gw } = await gatewayWithService(t, `
      - paths: [/]
        plugins:
          - name: basic-auth
`, { more: `
_transform: false
consumers:
  - id: ${ALICE}
    username: alice
    basicauth_credentials:
      - username: alice
        password: "${hash}"
` });
  t.equal((await request(gw.port, '/', { headers: { authorization: basic('alice', 'pw') } })).status, 200);
  t.equal((await request(gw.port, '/', { headers: { authorization: basic('alice', hash) } })).status, 401, 'the hash is not a password');
});
