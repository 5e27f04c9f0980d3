/**
 * Kong's shared field types (kong/db/schema/typedefs.lua), as TypeBox schemas. `x-error` carries Kong's own
 * wording for a failed keyword, so the validator reports what Kong would report.
 */
import { type TSchema, type TUnsafe, Type } from '@sinclair/typebox';

/** Kong's protocols (kong/constants.lua), with Kong Enterprise's WebSocket `ws` and `wss` (both http subsystem). */
export const PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp', 'ws', 'wss'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const isWebSocketProtocol = (p: string): boolean => p === 'ws' || p === 'wss';

/**
 * The port a service `url` without one gets (Kong services.lua url shorthand: 80 and 443 for http(s) and
 * ws(s), 80 otherwise).
 */
export const urlDefaultPort = (scheme: string): number => (scheme === 'https' || scheme === 'wss' ? 443 : 80);

/** The scheme of the upstream request: TLS for https, grpcs and wss services (a WebSocket handshake is HTTP/1.1). */
export const upstreamScheme = (protocol: string): 'http' | 'https' =>
  protocol === 'https' || protocol === 'grpcs' || protocol === 'wss' ? 'https' : 'http';

export const uuid = () =>
  Type.String({
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
    'x-error': { pattern: 'expected a valid UUID' },
  });

/** Kong's utf8_name: service, route and plugin instance names. */
export const utf8Name = () =>
  Type.String({
    minLength: 1,
    pattern: '^[\\p{L}\\p{N}._~-]+$',
    'x-error': {
      pattern: "invalid value '{value}': the only accepted ascii characters are alphanumerics or ., -, _, and ~",
    },
  });

export const nonEmpty = (opts: Record<string, unknown> = {}) => Type.String({ minLength: 1, ...opts });

export const tags = () =>
  Type.Array(
    Type.String({
      minLength: 1,
      pattern: '^[^,/\\p{Cc}]+$',
      'x-error': { pattern: "invalid tag '{value}': expected printable ascii (except `,` and `/`) or valid utf-8 sequences" },
    }),
    { 'x-set': true, description: 'Labels for filtering (a set: duplicates are dropped).' },
  );

export const port = (def?: number) =>
  Type.Integer({ minimum: 0, maximum: 65535, ...(def === undefined ? {} : { default: def }) });

/** A hostname or IP address without a port. */
export const host = () =>
  Type.String({
    minLength: 1,
    pattern: '^(\\[[0-9a-fA-F:.]+\\]|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|[A-Za-z0-9_*]([A-Za-z0-9_.*-]*[A-Za-z0-9_*])?\\.?)$',
    'x-error': { pattern: 'invalid value: {value}' },
  });

/** An RFC 3986 absolute path, as service.path and health-check paths use. */
export const path = (opts: Record<string, unknown> = {}) =>
  Type.String({
    ...opts,
    pattern: "^/[A-Za-z0-9.\\-_~/%:@!$&'()*+,;=]*$",
    'x-error': {
      pattern: "invalid path: '{value}' (characters outside of the reserved list of RFC 3986 found)",
    },
  });

/** A closed list of values, as one JSON Schema `enum` (clearer errors than a union of literals). */
export const enumOf = <T extends string | number>(values: readonly T[], opts: Record<string, unknown> = {}): TUnsafe<T> =>
  Type.Unsafe<T>({ type: typeof values[0] === 'number' ? 'integer' : 'string', enum: [...values], ...opts });

export const protocol = () => enumOf(PROTOCOLS);

export const headerName = () =>
  Type.String({
    pattern: '^[a-zA-Z0-9-_]+$',
    'x-error': { pattern: "bad header name '{value}', allowed characters are A-Z, a-z, 0-9, '_', and '-'" },
  });

export const timeout = () => Type.Integer({ minimum: 1, maximum: 2147483646, default: 60000 });

/** A reference to another entity: its name (endpoint key), its id, or `{ id }`. Nested copies must leave it out. */
export const foreign = (entity: string) =>
  Type.Union([Type.String({ minLength: 1 }), Type.Object({ id: uuid() }, { additionalProperties: false })], {
    'x-foreign': entity,
  });

export const timestamp = () => Type.Integer({ minimum: 0 });

/** Fields every entity may carry and that the loader ignores (Kong: `_comment`, `_ignore`). */
export const ignored = {
  _comment: Type.Optional(Type.String()),
  _ignore: Type.Optional(Type.Array(Type.Unknown())),
};

/** A set of strings (Kong `type = "set"`): duplicates are removed during normalization. */
export const stringSet = <T extends TSchema>(item: T, opts: Record<string, unknown> = {}) => Type.Array(item, { 'x-set': true, ...opts });
