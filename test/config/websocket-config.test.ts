/**
 * ws/wss routes and services through the real loader: what Kong Enterprise accepts loads (with the values the
 * proxy then uses), what it refuses fails with Kong's message at the field's file:line:col — and nothing else.
 */
import t, { type Test } from 'tap';
import { hostHeaderFor } from '../../src/balancer/target-address.js';
import { loadConfigText } from '../../src/config/load.js';
import type { Entities, Service } from '../../src/schema/index.js';
import { compileUpstreamTls, indexTlsEntities } from '../../src/tls/upstream-tls.js';

const load = (yaml: string) => loadConfigText(`_format_version: "3.0"\n${yaml}`, 'kong.yaml', { now: 0, env: {} });

/** An error as compared here: `path @line:col message`. Lines count from the `_format_version` line (1). */
const shown = (e: { path: string; line?: number; column?: number; message: string }) => `${e.path} @${e.line}:${e.column} ${e.message}`;

function entitiesOf(t: Test, yaml: string): Entities | null {
  const r = load(yaml);
  if (!r.ok) {
    t.fail('loads', { errors: r.errors.map(shown) });
    return null;
  }
  return r.config.entities;
}

t.test('accepted: ws/wss services, routes and pairings', async (t) => {
  const cases: [name: string, yaml: string, want: { services?: object[]; routes?: object[] }][] = [
    [
      'ws:// url, ws route on paths',
      `services:
  - name: chat
    url: ws://127.0.0.1:9000/socket
    routes:
      - protocols: [ws]
        paths: [/chat]
`,
      { services: [{ protocol: 'ws', host: '127.0.0.1', port: 9000, path: '/socket' }], routes: [{ protocols: ['ws'], paths: ['/chat'] }] },
    ],
    // Kong services.lua url shorthand; Kong EE: ws and wss default to http's and https's ports.
    ['ws:// without a port → 80', 'services:\n  - url: ws://chat.example\n', { services: [{ protocol: 'ws', host: 'chat.example', port: 80, path: null }] }],
    ['wss:// without a port → 443', 'services:\n  - url: wss://chat.example/\n', { services: [{ protocol: 'wss', port: 443, path: '/' }] }],
    ['scheme is case-insensitive', 'services:\n  - url: WSS://chat.example:8443\n', { services: [{ protocol: 'wss', port: 8443 }] }],
    ['protocol field instead of url', 'services:\n  - host: chat.example\n    protocol: wss\n    port: 443\n', { services: [{ protocol: 'wss', port: 443 }] }],
    [
      'ws and wss route on hosts (wss route on a ws service: Kong pairs the families, not the schemes)',
      'services:\n  - url: ws://h\n    routes:\n      - protocols: [ws, wss]\n        hosts: [chat.example]\n',
      { routes: [{ protocols: ['ws', 'wss'], hosts: ['chat.example'] }] },
    ],
    ['wss route on snis only', 'services:\n  - url: wss://h\n    routes:\n      - protocols: [wss]\n        snis: [chat.example]\n', { routes: [{ snis: ['chat.example'] }] }],
    ['ws route on headers, to a wss service', 'services:\n  - url: wss://h\n    routes:\n      - protocols: [ws]\n        headers: { x-chat: ["1"] }\n', { routes: [{ protocols: ['ws'] }] }],
    [
      'top-level ws route naming its service',
      'services:\n  - name: chat\n    url: ws://h\nroutes:\n  - name: r\n    service: chat\n    protocols: [ws]\n    paths: [/]\n',
      { routes: [{ name: 'r', protocols: ['ws'] }] },
    ],
    // Kong EE's services.lua lets wss carry tls_verify and a client certificate (see the e2e test for mTLS).
    ['wss service with tls_verify', 'services:\n  - url: wss://h\n    tls_verify: true\n', { services: [{ protocol: 'wss', tls_verify: true }] }],
    [
      'http routes beside them are unchanged (a route without a service is fine unless it is ws)',
      'services:\n  - url: ws://h\n    routes:\n      - protocols: [ws]\n        paths: [/ws]\n  - url: http://h\n    routes:\n      - paths: [/http]\nroutes:\n  - paths: [/none]\n',
      { routes: [{ protocols: ['ws'] }, { protocols: ['http', 'https'] }, { service: null }] },
    ],
  ];
  for (const [name, yaml, want] of cases) {
    const entities = entitiesOf(t, yaml);
    if (entities === null) continue;
    if (want.services) t.match(entities.services, want.services, `${name}: services`);
    if (want.routes) t.match(entities.routes, want.routes, `${name}: routes`);
  }
});

t.test('refused: Kong EE message at file:line:col, and only that', async (t) => {
  const ws = (route: string) => `services:\n  - url: ws://h\n    routes:\n      - ${route}\n`;
  const cases: [name: string, yaml: string, want: string[]][] = [
    [
      'ws route with nothing to match on',
      ws('protocols: [ws]'),
      ["services[0].routes[0] @5:9 must set one of 'hosts', 'headers', 'paths' when 'protocols' is 'ws'"],
    ],
    [
      'wss route with nothing to match on (snis counts)',
      ws('protocols: [ws, wss]\n        strip_path: true'),
      ["services[0].routes[0] @5:9 must set one of 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'wss'"],
    ],
    [
      'methods on a ws route (a handshake is always a GET)',
      ws('protocols: [ws]\n        paths: [/]\n        methods: [GET]'),
      ["services[0].routes[0].methods @7:18 cannot set 'methods' when 'protocols' is 'ws' or 'wss'"],
    ],
    [
      'sources and destinations on a wss route',
      ws('protocols: [wss]\n        paths: [/]\n        sources: [{ ip: 10.0.0.1 }]\n        destinations: [{ port: 80 }]'),
      [
        "services[0].routes[0].sources @7:18 cannot set 'sources' when 'protocols' is 'ws' or 'wss'",
        "services[0].routes[0].destinations @8:23 cannot set 'destinations' when 'protocols' is 'ws' or 'wss'",
      ],
    ],
    [
      'snis on a ws-only route',
      ws('protocols: [ws]\n        paths: [/]\n        snis: [chat.example]'),
      ["services[0].routes[0].snis @7:15 'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls', 'tls_passthrough', or 'wss'"],
    ],
    // Used to load as a plain http route; now Kong's exclusive sets (and no second, pairing error).
    ['ws mixed with http', ws('protocols: [http, ws]\n        paths: [/]'), ["services[0].routes[0].protocols @5:20 these sets are mutually exclusive: ('http', 'https'), ('ws', 'wss')"]],
    [
      'field checks still run beside a protocols error',
      ws('protocols: [http, ws]\n        paths: ["~/a(?=b)"]'),
      [
        "services[0].routes[0].protocols @5:20 these sets are mutually exclusive: ('http', 'https'), ('ws', 'wss')",
        "services[0].routes[0].paths[0] @6:17 invalid regex: '/a(?=b)' (look-around assertions are not supported)",
      ],
    ],
    ['wss mixed with grpcs', ws('protocols: [grpcs, wss]\n        paths: [/]'), ["services[0].routes[0].protocols @5:20 these sets are mutually exclusive: ('grpc', 'grpcs'), ('ws', 'wss')"]],
    [
      'ws route without a service',
      'routes:\n  - name: r\n    protocols: [ws]\n    paths: [/]\n',
      ['routes[0].service @3:5 WebSocket routes must be attached to a service'],
    ],
    [
      'ws route on an http service',
      'services:\n  - url: http://h\n    routes:\n      - protocols: [ws]\n        paths: [/]\n',
      ['services[0].routes[0].protocols @5:20 route/service protocol mismatch'],
    ],
    // The route's protocols default to [http, https]: on a ws service they must be written.
    ['default protocols on a ws service', ws('paths: [/]'), ['services[0].routes[0].protocols @5:9 route/service protocol mismatch']],
    [
      'top-level https route naming a wss service',
      'services:\n  - name: chat\n    url: wss://h\nroutes:\n  - service: chat\n    protocols: [https]\n    paths: [/]\n',
      ['routes[0].protocols @7:16 route/service protocol mismatch'],
    ],
    ['grpc route on a ws service', ws('protocols: [grpc]\n        paths: [/]'), ['services[0].routes[0].protocols @5:20 route/service protocol mismatch']],
    [
      'TLS settings on a ws service',
      'services:\n  - url: ws://h\n    tls_verify: false\n    tls_verify_depth: 1\n',
      ['services[0].tls_verify @4:17 value must be null', 'services[0].tls_verify_depth @5:23 value must be null'],
    ],
    // Kong EE: wss takes tls_verify and client_certificate, not tls_verify_depth or ca_certificates.
    [
      'tls_verify_depth and ca_certificates on a wss service',
      'services:\n  - url: wss://h\n    tls_verify_depth: 1\n    ca_certificates: [6b2c1a0e-0000-4000-8000-000000000001]\n',
      ['services[0].tls_verify_depth @4:23 value must be null', 'services[0].ca_certificates @5:22 value must be null'],
    ],
    ['an unknown url scheme names ws and wss', 'services:\n  - url: wsx://h\n', ['services[0].url @3:10 expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss']],
  ];
  for (const [name, yaml, want] of cases) {
    const r = load(yaml);
    t.same(r.ok ? [] : r.errors.map(shown), want, name);
  }
});

t.test('hints say what each side of a pairing is', async (t) => {
  const r = load('services:\n  - name: chat\n    url: ws://h\nroutes:\n  - service: chat\n    paths: [/]\n');
  t.equal(r.ok ? null : r.errors[0]?.hint, "route protocols [http, https], service protocol 'ws'");
  const alone = load('routes:\n  - protocols: [wss]\n    hosts: [a.example]\n');
  t.equal(alone.ok ? null : alone.errors[0]?.hint, 'nest the route under a ws or wss service, or set its service');
});

t.test('what the proxy builds from a ws/wss service', async (t) => {
  const tls = indexTlsEntities([{ id: 'c1', cert: 'CERT', key: 'KEY' } as never], []);
  const service = (over: Partial<Service>) => ({ id: 's', protocol: 'wss', host: 'chat.example', port: 443, ...over }) as Service;
  // As https: verification off unless tls_verify (Kong: proxy_ssl_verify off), SNI = host, client certificate.
  t.match(compileUpstreamTls(service({}), tls), { servername: 'chat.example', rejectUnauthorized: false, cert: undefined });
  t.match(compileUpstreamTls(service({ tls_verify: true, client_certificate: { id: 'c1' } }), tls), { rejectUnauthorized: true, cert: 'CERT', key: 'KEY' });
  t.equal(compileUpstreamTls(service({ protocol: 'ws', port: 80 }), tls), null, 'ws: no TLS');
  const hosts: [host: string, port: number, protocol: string, want: string][] = [
    ['chat.example', 80, 'ws', 'chat.example'],
    ['chat.example', 443, 'wss', 'chat.example'],
    ['chat.example', 443, 'ws', 'chat.example:443'],
    ['chat.example', 80, 'wss', 'chat.example:80'],
    ['::1', 8080, 'ws', '[::1]:8080'],
  ];
  for (const [host, port, protocol, want] of hosts) t.equal(hostHeaderFor(host, port, protocol), want, `${protocol} ${host} ${port}`);
});
