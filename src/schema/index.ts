/**
 * Entity types as the rest of sluice sees them after loading: every field present (absent = null), defaults
 * filled, foreign keys as `{ id }`, ids always set. Derived from the TypeBox definitions, so the schema and the
 * types cannot drift apart.
 */
import type { Static, TObject } from '@sinclair/typebox';
import type { consumerFields, consumerGroupFields } from './entities/consumer.js';
import type {
  aclFields,
  basicauthCredentialFields,
  hmacauthCredentialFields,
  jwtSecretFields,
  keyauthCredentialFields,
} from './entities/credentials.js';
import type { caCertificateFields, certificateFields, sniFields } from './entities/certificate.js';
import type { keyFields, keySetFields } from './entities/key.js';
import type { pluginFields } from './entities/plugin.js';
import type { routeFields } from './entities/route.js';
import type { serviceFields } from './entities/service.js';
import type { targetFields, upstreamFields } from './entities/upstream.js';
import type { vaultFields } from './entities/vault.js';
import type { EntityName } from './registry.js';

export { ENTITIES, ENTITY_BY_NAME, entityDef, type EntityDef, type EntityName, type ForeignKey } from './registry.js';

export type ForeignRef = { readonly id: string } | null;

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Input-only keys that never reach a normalized row. */
type InputOnly = '_comment' | '_ignore' | 'url';

/** D: fields always set after normalization (defaults, required); F: foreign keys. */
type Row<S extends TObject, D extends string, F extends string = never> = {
  readonly [K in Exclude<keyof Static<S>, InputOnly>]-?: K extends F
    ? ForeignRef
    : K extends D | 'id'
      ? DeepReadonly<Exclude<Static<S>[K], undefined>>
      : DeepReadonly<Exclude<Static<S>[K], undefined>> | null;
};

type Stamps = 'created_at' | 'updated_at';

export type Service = Row<
  typeof serviceFields,
  'protocol' | 'host' | 'port' | 'retries' | 'connect_timeout' | 'write_timeout' | 'read_timeout' | 'enabled' | Stamps,
  'client_certificate'
>;
export type Route = Row<
  typeof routeFields,
  | 'protocols'
  | 'https_redirect_status_code'
  | 'regex_priority'
  | 'strip_path'
  | 'preserve_host'
  | 'request_buffering'
  | 'response_buffering'
  | 'path_handling'
  | Stamps,
  'service'
>;
export type Consumer = Row<typeof consumerFields, Stamps>;
export type ConsumerGroup = Row<typeof consumerGroupFields, 'name' | Stamps>;
export type Plugin = Row<
  typeof pluginFields,
  'name' | 'config' | 'protocols' | 'enabled' | Stamps,
  'route' | 'service' | 'consumer' | 'consumer_group'
>;
export type Upstream = Row<
  typeof upstreamFields,
  'name' | 'algorithm' | 'hash_on' | 'hash_fallback' | 'hash_on_cookie_path' | 'slots' | 'healthchecks' | 'use_srv_name' | Stamps,
  'client_certificate'
>;
export type Target = Row<typeof targetFields, 'target' | 'weight' | Stamps, 'upstream'>;
export type Certificate = Row<typeof certificateFields, 'cert' | 'key' | Stamps>;
export type Sni = Row<typeof sniFields, 'name' | Stamps, 'certificate'>;
export type CaCertificate = Row<typeof caCertificateFields, 'cert' | 'cert_digest' | Stamps>;
export type Vault = Row<typeof vaultFields, 'prefix' | 'name' | 'config' | Stamps>;
export type Key = Row<typeof keyFields, 'kid' | Stamps, 'set'>;
export type KeySet = Row<typeof keySetFields, Stamps>;
export type KeyauthCredential = Row<typeof keyauthCredentialFields, 'key' | 'created_at', 'consumer'>;
export type BasicauthCredential = Row<typeof basicauthCredentialFields, 'username' | 'password' | 'created_at', 'consumer'>;
export type JwtSecret = Row<typeof jwtSecretFields, 'key' | 'secret' | 'algorithm' | 'created_at', 'consumer'>;
export type HmacauthCredential = Row<typeof hmacauthCredentialFields, 'username' | 'secret' | 'created_at', 'consumer'>;
export type Acl = Row<typeof aclFields, 'group' | 'created_at', 'consumer'>;

/** A consumer's membership of a consumer group (Kong Enterprise). */
export interface ConsumerGroupMember {
  readonly consumer: { readonly id: string };
  readonly consumer_group: { readonly id: string };
}

export interface Entities {
  readonly services: readonly Service[];
  readonly routes: readonly Route[];
  readonly consumers: readonly Consumer[];
  readonly plugins: readonly Plugin[];
  readonly upstreams: readonly Upstream[];
  readonly targets: readonly Target[];
  readonly certificates: readonly Certificate[];
  readonly snis: readonly Sni[];
  readonly ca_certificates: readonly CaCertificate[];
  readonly vaults: readonly Vault[];
  readonly keys: readonly Key[];
  readonly key_sets: readonly KeySet[];
  readonly consumer_groups: readonly ConsumerGroup[];
  readonly keyauth_credentials: readonly KeyauthCredential[];
  readonly basicauth_credentials: readonly BasicauthCredential[];
  readonly jwt_secrets: readonly JwtSecret[];
  readonly hmacauth_credentials: readonly HmacauthCredential[];
  readonly acls: readonly Acl[];
  /** Derived from consumer_groups[].consumers and consumers[].groups. */
  readonly consumer_group_members: readonly ConsumerGroupMember[];
}

/** Compile-time check that Entities has one array per registered entity. */
type _Covers = { [K in EntityName]: K extends keyof Entities ? true : never };
export type { _Covers };
