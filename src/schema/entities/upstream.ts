import { Type } from '@sinclair/typebox';
import { enumOf, foreign, headerName, ignored, nonEmpty, path, tags, timestamp, uuid } from '../typedefs.js';

const HASH_ON = ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'] as const;
const hashOn = () => enumOf(HASH_ON, { default: 'none' });
const statuses = (def: number[]) =>
  Type.Array(Type.Integer({ minimum: 100, maximum: 999 }), { default: def, 'x-set': true });
const counter = () => Type.Integer({ minimum: 0, maximum: 255, default: 0 });
const seconds = (def: number) => Type.Number({ minimum: 0, maximum: 65535, default: def });
const HEALTH_TYPES = ['tcp', 'http', 'https', 'grpc', 'grpcs'] as const;
const healthType = () => enumOf(HEALTH_TYPES, { default: 'http' });
const record = <T extends Parameters<typeof Type.Object>[0]>(props: T) =>
  Type.Object(props, { additionalProperties: false, default: {} });

const PASSIVE_HEALTHY = [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308];

/** Health-check settings; every nested record defaults to `{}` so all defaults are filled (Kong: required records). */
export const healthchecks = () =>
  record({
    active: Type.Optional(
      record({
        type: Type.Optional(healthType()),
        timeout: Type.Optional(seconds(1)),
        concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483648, default: 10 })),
        http_path: Type.Optional(path({ default: '/' })),
        https_sni: Type.Optional(nonEmpty()),
        https_verify_certificate: Type.Optional(Type.Boolean({ default: true })),
        headers: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
        healthy: Type.Optional(
          record({
            interval: Type.Optional(seconds(0)),
            http_statuses: Type.Optional(statuses([200, 302])),
            successes: Type.Optional(counter()),
          }),
        ),
        unhealthy: Type.Optional(
          record({
            interval: Type.Optional(seconds(0)),
            http_statuses: Type.Optional(statuses([429, 404, 500, 501, 502, 503, 504, 505])),
            tcp_failures: Type.Optional(counter()),
            timeouts: Type.Optional(counter()),
            http_failures: Type.Optional(counter()),
          }),
        ),
      }),
    ),
    passive: Type.Optional(
      record({
        type: Type.Optional(healthType()),
        healthy: Type.Optional(
          record({ http_statuses: Type.Optional(statuses(PASSIVE_HEALTHY)), successes: Type.Optional(counter()) }),
        ),
        unhealthy: Type.Optional(
          record({
            http_statuses: Type.Optional(statuses([429, 500, 503])),
            tcp_failures: Type.Optional(counter()),
            timeouts: Type.Optional(counter()),
            http_failures: Type.Optional(counter()),
          }),
        ),
      }),
    ),
    threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 100, default: 0 })),
  });

/** kong/db/schema/entities/upstreams.lua. */
export const upstreamFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    name: nonEmpty(),
    algorithm: Type.Optional(
      enumOf(['consistent-hashing', 'least-connections', 'round-robin', 'latency'] as const, { default: 'round-robin' }),
    ),
    hash_on: Type.Optional(hashOn()),
    hash_fallback: Type.Optional(hashOn()),
    hash_on_header: Type.Optional(headerName()),
    hash_fallback_header: Type.Optional(headerName()),
    hash_on_cookie: Type.Optional(
      Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", 'x-error': { pattern: 'invalid cookie name: {value}' } }),
    ),
    hash_on_cookie_path: Type.Optional(path({ default: '/' })),
    hash_on_query_arg: Type.Optional(nonEmpty()),
    hash_fallback_query_arg: Type.Optional(nonEmpty()),
    hash_on_uri_capture: Type.Optional(nonEmpty()),
    hash_fallback_uri_capture: Type.Optional(nonEmpty()),
    slots: Type.Optional(Type.Integer({ minimum: 10, maximum: 65536, default: 10000 })),
    healthchecks: Type.Optional(healthchecks()),
    host_header: Type.Optional(nonEmpty()),
    client_certificate: Type.Optional(foreign('certificates')),
    use_srv_name: Type.Optional(Type.Boolean({ default: false })),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(timestamp()),
    updated_at: Type.Optional(timestamp()),
    ...ignored,
  },
  { additionalProperties: false },
);

/** kong/db/schema/entities/targets.lua. A target without a port uses 8000. */
export const targetFields = Type.Object(
  {
    id: Type.Optional(uuid()),
    upstream: Type.Optional(foreign('upstreams')),
    target: nonEmpty(),
    weight: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, default: 100 })),
    tags: Type.Optional(tags()),
    created_at: Type.Optional(Type.Number({ minimum: 0 })),
    updated_at: Type.Optional(Type.Number({ minimum: 0 })),
    ...ignored,
  },
  { additionalProperties: false },
);
