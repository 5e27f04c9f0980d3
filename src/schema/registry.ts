/**
 * The one list of entities sluice knows: their input schema, keys and relations. Everything else (generated
 * JSON Schemas, nesting, id generation, reference resolution, Admin API routes) is derived from this table.
 */
import type { TObject } from '@sinclair/typebox';
import { consumerFields, consumerGroupFields } from './entities/consumer.js';
import {
  aclFields,
  basicauthCredentialFields,
  hmacauthCredentialFields,
  jwtSecretFields,
  keyauthCredentialFields,
} from './entities/credentials.js';
import { caCertificateFields, certificateFields, sniFields } from './entities/certificate.js';
import { keyFields, keySetFields } from './entities/key.js';
import { parameterFields } from './entities/parameter.js';
import { pluginFields } from './entities/plugin.js';
import { routeFields } from './entities/route.js';
import { serviceFields } from './entities/service.js';
import { targetFields, upstreamFields } from './entities/upstream.js';
import { vaultFields } from './entities/vault.js';

export type EntityName =
  | 'services'
  | 'routes'
  | 'consumers'
  | 'plugins'
  | 'upstreams'
  | 'targets'
  | 'certificates'
  | 'snis'
  | 'ca_certificates'
  | 'vaults'
  | 'keys'
  | 'key_sets'
  | 'consumer_groups'
  | 'keyauth_credentials'
  | 'basicauth_credentials'
  | 'jwt_secrets'
  | 'hmacauth_credentials'
  | 'acls';

export interface ForeignKey {
  readonly field: string;
  readonly entity: EntityName;
  /** Must be set once nesting is resolved (targets need an upstream, credentials a consumer, …). */
  readonly required: boolean;
}

export interface EntityDef {
  readonly name: EntityName;
  /** Singular, as Kong's error reports name it ("service"). */
  readonly singular: string;
  /** Admin API collection path segment (Kong's admin_api_name). */
  readonly adminName: string;
  readonly fields: TObject;
  /** The field references and lookups by name use (Kong: endpoint_key). */
  readonly endpointKey: string | null;
  /** Fields that must be unique within the collection (besides id). */
  readonly unique: readonly string[];
  readonly foreignKeys: readonly ForeignKey[];
  /** Kong cache_key: the fields the deterministic id is derived from, when present. */
  readonly cacheKey?: readonly string[];
  /** Child collections that may be nested in a record of this entity, and the fk they fill in. */
  readonly children: readonly { readonly key: string; readonly entity: EntityName; readonly fk: string }[];
  /** Kong Enterprise / decK only: accepted, flagged in docs. */
  readonly enterprise?: boolean;
}

const fk = (field: string, entity: EntityName, required = false): ForeignKey => ({ field, entity, required });
const credentialChildren = [
  { key: 'keyauth_credentials', entity: 'keyauth_credentials', fk: 'consumer' },
  { key: 'basicauth_credentials', entity: 'basicauth_credentials', fk: 'consumer' },
  { key: 'jwt_secrets', entity: 'jwt_secrets', fk: 'consumer' },
  { key: 'hmacauth_credentials', entity: 'hmacauth_credentials', fk: 'consumer' },
  { key: 'acls', entity: 'acls', fk: 'consumer' },
] as const;

export const ENTITIES: readonly EntityDef[] = [
  {
    name: 'services',
    singular: 'service',
    adminName: 'services',
    fields: serviceFields,
    endpointKey: 'name',
    unique: ['name'],
    foreignKeys: [fk('client_certificate', 'certificates')],
    children: [
      { key: 'routes', entity: 'routes', fk: 'service' },
      { key: 'plugins', entity: 'plugins', fk: 'service' },
    ],
  },
  {
    name: 'routes',
    singular: 'route',
    adminName: 'routes',
    fields: routeFields,
    endpointKey: 'name',
    unique: ['name'],
    foreignKeys: [fk('service', 'services')],
    children: [{ key: 'plugins', entity: 'plugins', fk: 'route' }],
  },
  {
    name: 'consumers',
    singular: 'consumer',
    adminName: 'consumers',
    fields: consumerFields,
    endpointKey: 'username',
    unique: ['username', 'custom_id'],
    foreignKeys: [],
    children: [{ key: 'plugins', entity: 'plugins', fk: 'consumer' }, ...credentialChildren],
  },
  {
    name: 'plugins',
    singular: 'plugin',
    adminName: 'plugins',
    fields: pluginFields,
    endpointKey: 'instance_name',
    unique: ['instance_name'],
    foreignKeys: [
      fk('route', 'routes'),
      fk('service', 'services'),
      fk('consumer', 'consumers'),
      fk('consumer_group', 'consumer_groups'),
    ],
    cacheKey: ['name', 'route', 'service', 'consumer'],
    children: [],
  },
  {
    name: 'upstreams',
    singular: 'upstream',
    adminName: 'upstreams',
    fields: upstreamFields,
    endpointKey: 'name',
    unique: ['name'],
    foreignKeys: [fk('client_certificate', 'certificates')],
    children: [{ key: 'targets', entity: 'targets', fk: 'upstream' }],
  },
  {
    name: 'targets',
    singular: 'target',
    adminName: 'targets',
    fields: targetFields,
    endpointKey: 'target',
    unique: [],
    foreignKeys: [fk('upstream', 'upstreams', true)],
    cacheKey: ['upstream', 'target'],
    children: [],
  },
  {
    name: 'certificates',
    singular: 'certificate',
    adminName: 'certificates',
    fields: certificateFields,
    endpointKey: null,
    unique: [],
    foreignKeys: [],
    children: [{ key: 'snis', entity: 'snis', fk: 'certificate' }],
  },
  {
    name: 'snis',
    singular: 'sni',
    adminName: 'snis',
    fields: sniFields,
    endpointKey: 'name',
    unique: ['name'],
    foreignKeys: [fk('certificate', 'certificates', true)],
    children: [],
  },
  {
    name: 'ca_certificates',
    singular: 'ca_certificate',
    adminName: 'ca_certificates',
    fields: caCertificateFields,
    endpointKey: null,
    unique: ['cert_digest'],
    foreignKeys: [],
    children: [],
  },
  {
    name: 'vaults',
    singular: 'vault',
    adminName: 'vaults',
    fields: vaultFields,
    endpointKey: 'prefix',
    unique: ['prefix'],
    foreignKeys: [],
    cacheKey: ['prefix'],
    children: [],
  },
  {
    name: 'keys',
    singular: 'key',
    adminName: 'keys',
    fields: keyFields,
    endpointKey: 'name',
    unique: ['name'],
    foreignKeys: [fk('set', 'key_sets')],
    cacheKey: ['kid', 'set'],
    children: [],
  },
  {
    name: 'key_sets',
    singular: 'key_set',
    adminName: 'key-sets',
    fields: keySetFields,
    endpointKey: 'name',
    unique: ['name'],
    foreignKeys: [],
    children: [{ key: 'keys', entity: 'keys', fk: 'set' }],
  },
  {
    name: 'consumer_groups',
    singular: 'consumer_group',
    adminName: 'consumer_groups',
    fields: consumerGroupFields,
    endpointKey: 'name',
    unique: ['name'],
    foreignKeys: [],
    children: [{ key: 'plugins', entity: 'plugins', fk: 'consumer_group' }],
    enterprise: true,
  },
  {
    name: 'keyauth_credentials',
    singular: 'keyauth_credential',
    adminName: 'key-auths',
    fields: keyauthCredentialFields,
    endpointKey: 'key',
    unique: ['key'],
    foreignKeys: [fk('consumer', 'consumers', true)],
    children: [],
  },
  {
    name: 'basicauth_credentials',
    singular: 'basicauth_credential',
    adminName: 'basic-auths',
    fields: basicauthCredentialFields,
    endpointKey: 'username',
    unique: ['username'],
    foreignKeys: [fk('consumer', 'consumers', true)],
    cacheKey: ['username'],
    children: [],
  },
  {
    name: 'jwt_secrets',
    singular: 'jwt_secret',
    adminName: 'jwts',
    fields: jwtSecretFields,
    endpointKey: 'key',
    unique: ['key'],
    foreignKeys: [fk('consumer', 'consumers', true)],
    children: [],
  },
  {
    name: 'hmacauth_credentials',
    singular: 'hmacauth_credential',
    adminName: 'hmac-auths',
    fields: hmacauthCredentialFields,
    endpointKey: 'username',
    unique: ['username'],
    foreignKeys: [fk('consumer', 'consumers', true)],
    cacheKey: ['username'],
    children: [],
  },
  {
    name: 'acls',
    singular: 'acl',
    adminName: 'acls',
    fields: aclFields,
    endpointKey: null,
    unique: [],
    foreignKeys: [fk('consumer', 'consumers', true)],
    cacheKey: ['consumer', 'group'],
    children: [],
  },
];

/**
 * Collections a declarative file may carry that describe no entity sluice serves: validated, then dropped.
 * Kong's `parameters` (primary key `key`) comes from `kong config db_export`.
 */
export const IGNORED_COLLECTIONS: readonly { readonly name: string; readonly fields: TObject; readonly key: string }[] = [
  { name: 'parameters', fields: parameterFields, key: 'key' },
];

export const ENTITY_BY_NAME: ReadonlyMap<EntityName, EntityDef> = new Map(ENTITIES.map((e) => [e.name, e]));

export function entityDef(name: EntityName): EntityDef {
  return ENTITY_BY_NAME.get(name)!;
}
