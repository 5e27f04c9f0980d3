// acl through a real gateway after key-auth: allow and deny lists, X-Consumer-Groups, hide_groups_header,
// 401 without a consumer, and Kong's "logical OR" of two auth plugins with an anonymous consumer that the
// acl then refuses.
import t from 'tap';
import { gatewayWithService, startError } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

type Echo = { headers: Record<string, string> };
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

t.test('acl', async (t) => {
  const { gw } = await gatewayWithService(t, `
      - name: allow
        paths: [/allow]
        plugins:
          - name: key-auth
          - name: acl
            config: { allow: [admins] }
      - name: deny
        paths: [/deny]
        plugins:
          - name: key-auth
          - name: acl
            config: { deny: [users], hide_groups_header: true }
      - name: no-auth
        paths: [/no-auth]
        plugins:
          - name: acl
            config: { allow: [admins] }
      - name: either
        paths: [/either]
        plugins:
          - name: key-auth
            config: { anonymous: anonymous }
          - name: basic-auth
            config: { anonymous: anonymous }
          - name: acl
            config: { deny: [anonymous] }
`, { more: `
consumers:
  - username: admin
    keyauth_credentials: [{ key: admin-key }]
    basicauth_credentials: [{ username: admin, password: pw }]
    acls: [{ group: admins }, { group: staff }]
  - username: user
    keyauth_credentials: [{ key: user-key }]
    acls: [{ group: users }]
  - username: loner
    keyauth_credentials: [{ key: loner-key }]
  - username: anonymous
    acls: [{ group: anonymous }]
` });

  const cases: [string, string, Record<string, string>, number, string | null][] = [
    ['allow: member', '/allow', { apikey: 'admin-key' }, 200, 'admins, staff'],
    ['allow: not a member', '/allow', { apikey: 'user-key' }, 403, null],
    ['allow: no groups at all', '/allow', { apikey: 'loner-key' }, 403, null],
    ['deny: listed group', '/deny', { apikey: 'user-key' }, 403, null],
    ['deny: other groups', '/deny', { apikey: 'admin-key' }, 200, null],
    ['deny: no groups at all', '/deny', { apikey: 'loner-key' }, 200, null],
    ['no authentication before acl', '/no-auth', {}, 401, null],
    ['either: key-auth', '/either', { apikey: 'admin-key' }, 200, 'admins, staff'],
    ['either: basic-auth', '/either', { authorization: basic('admin', 'pw') }, 200, 'admins, staff'],
    ['either: neither, anonymous is denied', '/either', {}, 403, null],
  ];
  for (const [name, path, headers, status, groups] of cases) {
    const r = await request(gw.port, path, { headers });
    t.equal(r.status, status, name);
    if (status === 403) t.equal(r.json().message, 'You cannot consume this service', `${name}: message`);
    if (status === 401) t.equal(r.json().message, 'Unauthorized', `${name}: message`);
    if (status === 200) t.equal(r.json<Echo>().headers['x-consumer-groups'], groups ?? undefined, `${name}: X-Consumer-Groups`);
  }
});

t.test('acl config checks', async (t) => {
  const load = (config: string) =>
    startError(`_format_version: "3.0"
plugins:
  - name: acl
    config: ${config}
`);
  t.match(await load('{}'), /at least one of these fields must be non-empty: 'config.allow', 'config.deny'/);
  t.match(await load('{ allow: [a], deny: [b] }'), /exactly one of these fields must be non-empty/);
  t.match(await load('{ allow: [] }'), /at least one of these fields/);
  t.equal(await load('{ allow: [a], deny: [] }'), null, 'an empty deny beside allow is accepted');
});
