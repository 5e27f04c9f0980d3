// hmac-auth through a real gateway: signatures computed at test time over headers and the request line,
// clock skew, enforced headers, algorithms, body digest, hide_credentials.
import { createHash, createHmac } from 'node:crypto';
import t from 'tap';
import { gatewayWithService } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

type Echo = { headers: Record<string, string> };

function authorization(alg: string, secret: string, names: string[], lines: string[], user = 'alice'): string {
  const sig = createHmac(alg.replace('hmac-', ''), secret).update(lines.join('\n')).digest('base64');
  return `hmac username="${user}", algorithm="${alg}", headers="${names.join(' ')}", signature="${sig}"`;
}

t.test('hmac-auth', async (t) => {
  const { gw } = await gatewayWithService(t, `
      - name: plain
        paths: [/plain]
        plugins:
          - name: hmac-auth
      - name: strict
        paths: [/strict]
        plugins:
          - name: hmac-auth
            config:
              enforce_headers: [date, request-line]
              algorithms: [hmac-sha256]
              validate_request_body: true
              hide_credentials: true
              realm: api
`, { more: `
consumers:
  - username: alice
    hmacauth_credentials:
      - username: alice
        secret: alice-secret
` });
  const date = new Date().toUTCString();

  t.test('good signatures', async (t) => {
    for (const alg of ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512']) {
      const r = await request(gw.port, '/plain?a=1', {
        headers: { date, authorization: authorization(alg, 'alice-secret', ['date', 'request-line'], [`date: ${date}`, 'GET /plain?a=1 HTTP/1.1']) },
      });
      t.equal(r.status, 200, alg);
      const h = r.json<Echo>().headers;
      t.equal(h['x-consumer-username'], 'alice');
      t.equal(h['x-credential-identifier'], 'alice', 'hmac-auth names the credential by username');
      t.ok(h.authorization, 'kept by default');
    }
    const target = await request(gw.port, '/plain', {
      headers: { 'x-date': date, authorization: authorization('hmac-sha256', 'alice-secret', ['x-date', '@request-target', 'x-missing'], [`x-date: ${date}`, '@request-target: get /plain', 'x-missing:']) },
    });
    t.equal(target.status, 200, 'x-date, @request-target and an absent header');
  });

  t.test('failures', async (t) => {
    const sign = (secret: string) => authorization('hmac-sha256', secret, ['date'], [`date: ${date}`]);
    const cases: [string, Record<string, string>, string][] = [
      ['no header', {}, 'Unauthorized'],
      ['no date', { authorization: sign('alice-secret') }, 'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication'],
      ['old date', { date: new Date(Date.now() - 3600_000).toUTCString(), authorization: sign('alice-secret') }, 'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication'],
      ['unparsable authorization', { date, authorization: 'hmac nonsense' }, 'HMAC signature cannot be verified'],
      ['unknown user', { date, authorization: authorization('hmac-sha256', 'alice-secret', ['date'], [`date: ${date}`], 'bob') }, 'HMAC signature cannot be verified'],
      ['wrong secret', { date, authorization: sign('wrong') }, 'HMAC signature does not match'],
    ];
    for (const [name, headers, message] of cases) {
      const r = await request(gw.port, '/plain', { headers });
      t.equal(r.status, 401, name);
      t.equal(r.json().message, message, `${name}: message`);
      t.equal(r.headers['www-authenticate'], 'hmac', `${name}: challenge`);
    }
  });

  t.test('enforced headers, algorithms, body digest, hide_credentials', async (t) => {
    const body = '{"x":1}';
    const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
    const lines = [`date: ${date}`, 'POST /strict HTTP/1.1'];
    const good = authorization('hmac-sha256', 'alice-secret', ['date', 'request-line'], lines);
    const r = await request(gw.port, '/strict', { method: 'POST', body, headers: { date, digest, authorization: good } });
    t.equal(r.status, 200);
    t.equal(r.json<Echo>().headers.authorization, undefined, 'hide_credentials');
    const cases: [string, Record<string, string>, string][] = [
      ['bad digest', { date, digest: 'SHA-256=AAAA', authorization: good }, 'HMAC signature does not match'],
      ['body without digest', { date, authorization: good }, 'HMAC signature does not match'],
      ['algorithm not allowed', { date, digest, authorization: authorization('hmac-sha1', 'alice-secret', ['date', 'request-line'], lines) }, 'HMAC signature cannot be verified'],
      ['enforced header not signed', { date, digest, authorization: authorization('hmac-sha256', 'alice-secret', ['date'], [lines[0]!]) }, 'HMAC signature cannot be verified'],
    ];
    for (const [name, headers, message] of cases) {
      const res = await request(gw.port, '/strict', { method: 'POST', body, headers });
      t.equal(res.status, 401, name);
      t.equal(res.json().message, message, `${name}: message`);
      t.equal(res.headers['www-authenticate'], 'hmac realm="api"', `${name}: challenge`);
    }
  });
});
