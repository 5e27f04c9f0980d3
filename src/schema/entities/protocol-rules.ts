/**
 * What a route's `protocols` and a service's `protocol` allow, as Kong Enterprise 3.x checks it (routes.lua
 * mutually_exclusive_subsets and snis conditional, routes_subschemas.lua, services.lua entity_checks, and the
 * routes DAO's WebSocket checks). Pure: the loader reports each problem at `field` of the entity (null: the
 * entity itself), with Kong's wording.
 */
import { isWebSocketProtocol } from '../typedefs.js';

export interface ProtocolProblem {
  /** The field the problem is about; null for the entity as a whole. */
  readonly field: string | null;
  readonly message: string;
  readonly hint?: string;
}

/** A normalized row, seen through what these checks need: is a field set (non-null, non-empty), its value. */
export interface FieldView {
  readonly isSet: (field: string) => boolean;
  readonly value: (field: string) => unknown;
}

/** Kong routes.lua: a route's protocols come from exactly one of these sets. */
export const ROUTE_PROTOCOL_SETS: readonly (readonly string[])[] = [
  ['http', 'https'],
  ['tcp', 'tls', 'udp'],
  ['tls_passthrough'],
  ['grpc', 'grpcs'],
  ['ws', 'wss'],
];

/** One routes_subschemas.lua entry: the fields a family forbids and the ones it needs one of. */
interface Subschema {
  readonly forbidden: readonly string[];
  readonly forbiddenErr: string;
  /** Needs one of these (plus `snis` when the family's TLS protocol is present); null: the stream rules. */
  readonly needed: readonly string[] | null;
  /** The family's plain and TLS protocol: the error names the one present, TLS first. */
  readonly plain: string | null;
  readonly tls: string | null;
}

const HTTP: Subschema = {
  forbidden: ['sources', 'destinations'],
  forbiddenErr: "when 'protocols' is 'http' or 'https'",
  needed: ['methods', 'hosts', 'headers', 'paths'],
  plain: 'http',
  tls: 'https',
};
const STREAM: Subschema = {
  forbidden: ['methods', 'hosts', 'paths', 'headers'],
  forbiddenErr: "when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'",
  needed: null,
  plain: null,
  tls: null,
};
const GRPC: Subschema = {
  forbidden: ['methods', 'sources', 'destinations'],
  forbiddenErr: "when 'protocols' is 'grpc' or 'grpcs'",
  needed: ['hosts', 'headers', 'paths'],
  plain: 'grpc',
  tls: 'grpcs',
};
// Kong EE: a WebSocket route matches on hosts, headers, paths (and snis for wss); a handshake is always a GET.
const WEBSOCKET: Subschema = {
  forbidden: ['sources', 'destinations', 'methods'],
  forbiddenErr: "when 'protocols' is 'ws' or 'wss'",
  needed: ['hosts', 'headers', 'paths'],
  plain: 'ws',
  tls: 'wss',
};

const SUBSCHEMA: Readonly<Record<string, Subschema>> = {
  http: HTTP,
  https: HTTP,
  tcp: STREAM,
  tls: STREAM,
  udp: STREAM,
  tls_passthrough: STREAM,
  grpc: GRPC,
  grpcs: GRPC,
  ws: WEBSOCKET,
  wss: WEBSOCKET,
};

/** Protocols under which a route may carry `snis` (Kong EE's routes.lua conditional). */
const SNI_PROTOCOLS = new Set(['grpcs', 'https', 'tls', 'tls_passthrough', 'wss']);

const quoted = (fields: readonly string[]) => fields.map((f) => `'${f}'`).join(', ');

/** Every problem with a route's protocols and the fields they allow or need. */
export function routeProtocolProblems(protocols: readonly string[], row: FieldView): ProtocolProblem[] {
  const out: ProtocolProblem[] = [];
  const sets = ROUTE_PROTOCOL_SETS.filter((s) => protocols.some((p) => s.includes(p)));
  if (sets.length > 1) {
    out.push({ field: 'protocols', message: `these sets are mutually exclusive: ${sets.map((s) => `(${quoted(s)})`).join(', ')}` });
    return out;
  }
  const first = protocols[0];
  const sub = first === undefined ? undefined : SUBSCHEMA[first];
  if (sub === undefined) return out;
  for (const f of sub.forbidden) if (row.isSet(f)) out.push({ field: f, message: `cannot set '${f}' ${sub.forbiddenErr}` });
  if (sub.needed !== null) {
    const tls = sub.tls !== null && protocols.includes(sub.tls);
    const needed = tls ? [...sub.needed, 'snis'] : sub.needed;
    const label = tls ? sub.tls : sub.plain;
    if (!needed.some(row.isSet)) out.push({ field: null, message: `must set one of ${quoted(needed)} when 'protocols' is '${label}'` });
  } else if (protocols.includes('tls_passthrough')) {
    if (!row.isSet('snis')) out.push({ field: null, message: "must set snis when 'protocols' is 'tls_passthrough'" });
  } else if (!['sources', 'destinations', 'snis'].some(row.isSet)) {
    out.push({ field: null, message: "must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'" });
  }
  if (sub === GRPC && row.value('strip_path') === true) {
    out.push({ field: 'strip_path', message: "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'" });
  }
  if (row.isSet('snis') && !protocols.some((p) => SNI_PROTOCOLS.has(p))) {
    out.push({ field: 'snis', message: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls', 'tls_passthrough', or 'wss'" });
  }
  return out;
}

/** Kong services.lua: TLS settings only on TLS protocols (EE lets wss carry a client certificate and tls_verify). */
const TLS_FIELDS: readonly (readonly [field: string, protocols: readonly string[]])[] = [
  ['client_certificate', ['https', 'wss', 'tls']],
  ['tls_verify', ['https', 'wss', 'tls']],
  ['tls_verify_depth', ['https', 'tls']],
  ['ca_certificates', ['https', 'tls']],
];

const PATHLESS = new Set(['tcp', 'tls', 'udp', 'grpc', 'grpcs']);

/** Every problem with a service's protocol and the fields it allows. */
export function serviceProtocolProblems(protocol: string, row: FieldView): ProtocolProblem[] {
  const out: ProtocolProblem[] = [];
  if (PATHLESS.has(protocol) && row.value('path') != null) {
    out.push({ field: 'path', message: 'value must be null', hint: `protocol '${protocol}' has no path; remove it or use http/https` });
  }
  for (const [field, allowed] of TLS_FIELDS) {
    if (row.value(field) != null && !allowed.includes(protocol)) {
      out.push({ field, message: 'value must be null', hint: `only allowed when protocol is ${allowed.map((p) => `'${p}'`).join(', ')}` });
    }
  }
  return out;
}

/**
 * Kong EE's routes DAO: a WebSocket route needs a service, and WebSocket routes and services only pair with
 * each other. (Kong's DB-less loader skips DAO checks; sluice keeps them, since neither pairing can proxy.)
 */
export function routeServiceProtocolProblem(protocols: readonly string[], serviceProtocol: string | null): ProtocolProblem | null {
  const wsRoute = protocols.some(isWebSocketProtocol);
  if (serviceProtocol === null) return wsRoute ? { field: 'service', message: 'WebSocket routes must be attached to a service' } : null;
  return wsRoute !== isWebSocketProtocol(serviceProtocol) ? { field: 'protocols', message: 'route/service protocol mismatch' } : null;
}
