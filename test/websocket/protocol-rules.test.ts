/**
 * ws/wss routes and services as Kong Enterprise 3.x validates them (routes.lua, routes_subschemas.lua,
 * services.lua, the routes DAO), with Kong's messages; and the other protocol families unchanged around them.
 */
import t from 'tap';
import {
  routeProtocolProblems,
  routeServiceProtocolProblem,
  serviceProtocolProblems,
  type FieldView,
  type ProtocolProblem,
} from '../../src/schema/entities/protocol-rules.js';
import { entitySchema } from '../../src/config/document-schema.js';
import { PROTOCOLS, upstreamScheme, urlDefaultPort } from '../../src/schema/typedefs.js';

/** A normalized row: absent fields are null; empty lists count as unset (Kong's len_eq = 0). */
function view(fields: Record<string, unknown>): FieldView {
  return {
    isSet: (f) => {
      const v = fields[f];
      return v != null && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
    },
    value: (f) => fields[f] ?? null,
  };
}

const problems = (list: ProtocolProblem[]) => list.map((p) => `${p.field ?? '.'}: ${p.message}`);

t.test('route protocols and the fields they allow', async (t) => {
  const rows: [name: string, protocols: string[], fields: Record<string, unknown>, want: string[]][] = [
    ['ws with paths', ['ws'], { paths: ['/chat'] }, []],
    ['wss with hosts', ['wss'], { hosts: ['chat.example.com'] }, []],
    ['ws and wss with headers', ['ws', 'wss'], { headers: { x: ['1'] } }, []],
    ['wss with snis only', ['wss'], { snis: ['chat.example.com'] }, []],
    ['ws needs a match attribute', ['ws'], {}, [".: must set one of 'hosts', 'headers', 'paths' when 'protocols' is 'ws'"]],
    ['wss needs a match attribute (snis counts)', ['ws', 'wss'], { strip_path: true }, [".: must set one of 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'wss'"]],
    ['ws: snis only with wss', ['ws'], { paths: ['/'], snis: ['a.com'] }, ["snis: 'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls', 'tls_passthrough', or 'wss'"]],
    ['ws: no methods (a handshake is a GET)', ['ws'], { paths: ['/'], methods: ['GET'] }, ["methods: cannot set 'methods' when 'protocols' is 'ws' or 'wss'"]],
    [
      'ws: no sources or destinations',
      ['wss'],
      { paths: ['/'], sources: [{ ip: '10.0.0.1' }], destinations: [{ port: 80 }] },
      ["sources: cannot set 'sources' when 'protocols' is 'ws' or 'wss'", "destinations: cannot set 'destinations' when 'protocols' is 'ws' or 'wss'"],
    ],
    ['ws does not mix with http', ['http', 'ws'], { paths: ['/'] }, ["protocols: these sets are mutually exclusive: ('http', 'https'), ('ws', 'wss')"]],
    ['wss does not mix with grpcs', ['grpcs', 'wss'], { paths: ['/'] }, ["protocols: these sets are mutually exclusive: ('grpc', 'grpcs'), ('ws', 'wss')"]],
    // The families around ws keep Kong's rules.
    ['http with paths', ['http', 'https'], { paths: ['/'] }, []],
    ['https needs one of', ['https'], {}, [".: must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"]],
    ['http: no sources', ['http'], { paths: ['/'], sources: [{ ip: '10.0.0.1' }] }, ["sources: cannot set 'sources' when 'protocols' is 'http' or 'https'"]],
    ['http: snis without https', ['http'], { paths: ['/'], snis: ['a.com'] }, ["snis: 'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls', 'tls_passthrough', or 'wss'"]],
    ['grpc needs one of', ['grpc'], {}, [".: must set one of 'hosts', 'headers', 'paths' when 'protocols' is 'grpc'"]],
    ['grpc: no methods, no strip_path', ['grpc', 'grpcs'], { paths: ['/'], methods: ['POST'], strip_path: true }, [
      "methods: cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'",
      "strip_path: cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'",
    ]],
    ['tcp with destinations', ['tcp'], { destinations: [{ port: 9000 }] }, []],
    ['tcp needs one of', ['tcp', 'tls'], {}, [".: must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'"]],
    ['tcp: no paths', ['tcp'], { destinations: [{ port: 9000 }], paths: ['/'] }, ["paths: cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'"]],
    ['tls_passthrough needs snis', ['tls_passthrough'], { destinations: [{ port: 9000 }] }, [".: must set snis when 'protocols' is 'tls_passthrough'"]],
  ];
  for (const [name, protocols, fields, want] of rows) {
    t.same(problems(routeProtocolProblems(protocols, view(fields))), want, name);
  }
});

t.test('service protocol and the fields it allows', async (t) => {
  const rows: [name: string, protocol: string, fields: Record<string, unknown>, want: string[]][] = [
    ['ws with a path', 'ws', { path: '/socket' }, []],
    ['wss with tls_verify and a client certificate', 'wss', { tls_verify: true, client_certificate: { id: 'c' } }, []],
    // Kong EE lets wss carry tls_verify and client_certificate, but not tls_verify_depth or ca_certificates.
    ['wss: no tls_verify_depth', 'wss', { tls_verify_depth: 2 }, ['tls_verify_depth: value must be null']],
    ['wss: no ca_certificates', 'wss', { ca_certificates: ['x'] }, ['ca_certificates: value must be null']],
    ['ws: no TLS settings', 'ws', { tls_verify: false, client_certificate: { id: 'c' } }, ['client_certificate: value must be null', 'tls_verify: value must be null']],
    ['https: all TLS settings', 'https', { tls_verify: true, tls_verify_depth: 1, ca_certificates: ['x'], client_certificate: { id: 'c' } }, []],
    ['grpc: no path', 'grpc', { path: '/x' }, ['path: value must be null']],
    ['http: no tls_verify', 'http', { tls_verify: true }, ['tls_verify: value must be null']],
  ];
  for (const [name, protocol, fields, want] of rows) {
    t.same(problems(serviceProtocolProblems(protocol, view(fields))), want, name);
  }
});

t.test('WebSocket routes pair with WebSocket services only (Kong EE routes DAO)', async (t) => {
  const rows: [routeProtocols: string[], service: string | null, want: string | null][] = [
    [['ws', 'wss'], 'ws', null],
    [['wss'], 'wss', null],
    [['ws'], 'wss', null],
    [['http', 'https'], 'http', null],
    [['http'], null, null],
    [['ws'], null, 'service: WebSocket routes must be attached to a service'],
    [['ws'], 'http', 'protocols: route/service protocol mismatch'],
    [['https'], 'wss', 'protocols: route/service protocol mismatch'],
    [['grpc'], 'ws', 'protocols: route/service protocol mismatch'],
  ];
  for (const [protocols, service, want] of rows) {
    const p = routeServiceProtocolProblem(protocols, service);
    t.equal(p === null ? null : `${p.field}: ${p.message}`, want, `${protocols.join(',')} → ${service}`);
  }
});

t.test('ws and wss in the schema enums; url defaults and upstream scheme', async (t) => {
  t.ok(PROTOCOLS.includes('ws') && PROTOCOLS.includes('wss'));
  const service = entitySchema('services') as { properties: { protocol: { enum: string[] } } };
  t.ok(service.properties.protocol.enum.includes('wss'), 'service protocol accepts wss');
  const route = entitySchema('routes') as { properties: { protocols: { items: { enum: string[] } } } };
  t.ok(route.properties.protocols.items.enum.includes('ws'), 'route protocols accept ws');
  const ports: [string, number][] = [['ws', 80], ['wss', 443], ['http', 80], ['https', 443], ['grpcs', 80], ['tcp', 80]];
  for (const [scheme, port] of ports) t.equal(urlDefaultPort(scheme), port, `${scheme}:// without a port → ${port} (Kong services.lua)`);
  const schemes: [string, string][] = [['ws', 'http'], ['wss', 'https'], ['grpcs', 'https'], ['grpc', 'http'], ['https', 'https']];
  for (const [protocol, scheme] of schemes) t.equal(upstreamScheme(protocol), scheme, `${protocol} service → ${scheme} upstream request`);
});
