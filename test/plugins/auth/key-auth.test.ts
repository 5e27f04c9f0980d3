// key-auth through a real gateway: where keys are found, Kong's 401s and challenge, the consumer headers,
// hide_credentials, anonymous, preflight, and consumer-scoped plugins after authentication.
import t from 'tap';
import { gatewayWithService, startError } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

const ALICE = '5c1b5f0e-3a1e-4b8e-9c1a-0b6f1b2c3d4e';
const GUEST = '9f1b5f0e-3a1e-4b8e-9c1a-0b6f1b2c3d4e';

t.test('key-auth', async (t) => {
  const { gw, up } = await gatewayWithService(t, `
      - name: plain
        paths: [/plain]
        plugins:
          - name: key-auth
      - name: hidden
        paths: [/hidden]
        plugins:
          - name: key-auth
            config: { hide_credentials: true, key_names: [apikey, X-Token], realm: api }
      - name: header-only
        paths: [/header-only]
        plugins:
          - name: key-auth
            config: { key_in_query: false, run_on_preflight: false }
      - name: body
        paths: [/body]
        plugins:
          - name: key-auth
            config: { key_in_body: true, key_in_header: false, key_in_query: false, hide_credentials: true }
      - name: anonymous
        paths: [/anon]
        plugins:
          - name: key-auth
            config: { anonymous: guest }
      - name: anonymous-missing
        paths: [/anon-missing]
        plugins:
          - name: key-auth
            config: { anonymous: nobody }
      - name: scoped
        paths: [/scoped]
        plugins:
          - name: key-auth
`, { more: `
consumers:
  - id: ${ALICE}
    username: alice
    custom_id: A-1
    keyauth_credentials:
      - id: 0b6f1b2c-3a1e-4b8e-9c1a-5c1b5f0e3d4e
        key: alice-key
  - username: bob
    keyauth_credentials:
      - key: bob-key
  - id: ${GUEST}
    username: guest
plugins:
  - name: request-termination
    route: scoped
    consumer: bob
    config: { status_code: 418, message: bob is not welcome }
` });

  t.test('missing and wrong keys', async (t) => {
    const none = await request(gw.port, '/plain');
    t.equal(none.status, 401);
    t.equal(none.json().message, 'No API key found in request');
    t.equal(none.headers['www-authenticate'], 'Key');
    t.type(none.json().request_id, 'string', 'Kong error body carries the request id');
    const wrong = await request(gw.port, '/plain', { headers: { apikey: 'nope' } });
    t.equal(wrong.status, 401);
    t.equal(wrong.json().message, 'Unauthorized');
    t.equal(wrong.headers['www-authenticate'], 'Key');
    const empty = await request(gw.port, '/plain?apikey=');
    t.equal(empty.json().message, 'No API key found in request', 'an empty key counts as none');
    const dup = await request(gw.port, '/plain?apikey=a&apikey=b');
    t.equal(dup.status, 401);
    t.equal(dup.json().message, 'Duplicate API key found');
    const realm = await request(gw.port, '/hidden');
    t.equal(realm.headers['www-authenticate'], 'Key realm="api"');
    t.equal(up.seen.length, 0, 'nothing reached the upstream');
  });

  t.test('a key in the header or the query authenticates and sets the consumer headers', async (t) => {
    const forged = { 'x-consumer-username': 'mallory', 'x-anonymous-consumer': 'true' };
    const byHeader = await request(gw.port, '/plain', { headers: { apikey: 'alice-key', ...forged } });
    t.equal(byHeader.status, 200);
    const h = byHeader.json<{ headers: Record<string, string> }>().headers;
    t.equal(h['x-consumer-id'], ALICE);
    t.equal(h['x-consumer-username'], 'alice');
    t.equal(h['x-consumer-custom-id'], 'A-1');
    t.equal(h['x-credential-identifier'], '0b6f1b2c-3a1e-4b8e-9c1a-5c1b5f0e3d4e', 'key-auth identifies the credential by id');
    t.equal(h['x-anonymous-consumer'], undefined, 'a forged anonymous header is removed');
    t.equal(h.apikey, 'alice-key', 'credentials are kept by default');

    const byQuery = await request(gw.port, '/plain?x=1&apikey=bob-key');
    t.equal(byQuery.status, 200);
    const q = byQuery.json<{ headers: Record<string, string>; url: string }>();
    t.equal(q.headers['x-consumer-username'], 'bob');
    t.equal(q.headers['x-consumer-custom-id'], undefined);
    t.equal(q.url, '/?x=1&apikey=bob-key');

    const headerOnly = await request(gw.port, '/header-only?apikey=alice-key');
    t.equal(headerOnly.status, 401, 'key_in_query: false ignores the query');
  });

  t.test('hide_credentials strips the key from the header, the query and the body', async (t) => {
    const r1 = await request(gw.port, '/hidden?a=1&x-token=zzz', { headers: { 'x-token': 'alice-key' } });
    t.equal(r1.status, 200, 'the second key name is searched too');
    const e1 = r1.json<{ headers: Record<string, string>; url: string }>();
    t.equal(e1.headers['x-token'], undefined);
    t.equal(e1.url, '/?a=1&x-token=zzz', 'query names are case-sensitive: only X-Token would be removed');
    const r2 = await request(gw.port, '/hidden?a=1+2&apikey=alice-key&b=3');
    t.equal(r2.status, 200);
    t.equal(r2.json<{ url: string }>().url, '/?a=1%202&b=3');

    const r3 = await request(gw.port, '/body', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apikey: 'alice-key', keep: 1 }),
    });
    t.equal(r3.status, 200);
    t.same(JSON.parse(r3.json<{ body: string }>().body), { keep: 1 });
    const r4 = await request(gw.port, '/body', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'apikey=bob-key&keep=yes',
    });
    t.equal(r4.status, 200);
    t.equal(r4.json<{ body: string }>().body, 'keep=yes');
    const r5 = await request(gw.port, '/body', { method: 'POST', headers: { apikey: 'alice-key' } });
    t.equal(r5.status, 401, 'key_in_header: false ignores headers');
  });

  t.test('run_on_preflight: false lets OPTIONS through unauthenticated', async (t) => {
    const r = await request(gw.port, '/header-only', { method: 'OPTIONS' });
    t.equal(r.status, 200);
    t.equal(r.json<{ headers: Record<string, string> }>().headers['x-consumer-id'], undefined);
    const r2 = await request(gw.port, '/plain', { method: 'OPTIONS' });
    t.equal(r2.status, 401, 'preflights are authenticated by default');
  });

  t.test('anonymous', async (t) => {
    const r = await request(gw.port, '/anon', { headers: { apikey: 'wrong' } });
    t.equal(r.status, 200);
    const h = r.json<{ headers: Record<string, string> }>().headers;
    t.equal(h['x-consumer-id'], GUEST);
    t.equal(h['x-consumer-username'], 'guest');
    t.equal(h['x-anonymous-consumer'], 'true');
    t.equal(h['x-credential-identifier'], undefined);
    const ok = await request(gw.port, '/anon', { headers: { apikey: 'alice-key' } });
    t.equal(ok.json<{ headers: Record<string, string> }>().headers['x-consumer-username'], 'alice');
    const missing = await request(gw.port, '/anon-missing');
    t.equal(missing.status, 500);
    t.equal(missing.json().message, "anonymous consumer nobody is configured but doesn't exist");
  });

  t.test('a consumer-scoped plugin runs only for that consumer, after authentication', async (t) => {
    const bob = await request(gw.port, '/scoped', { headers: { apikey: 'bob-key' } });
    t.equal(bob.status, 418);
    t.equal(bob.json().message, 'bob is not welcome');
    const alice = await request(gw.port, '/scoped', { headers: { apikey: 'alice-key' } });
    t.equal(alice.status, 200);
  });
});

t.test('key-auth cannot be scoped to a consumer', async (t) => {
  t.not(
    await startError(`_format_version: "3.0"
consumers:
  - username: c
plugins:
  - name: key-auth
    consumer: c
`),
    null,
  );
});
