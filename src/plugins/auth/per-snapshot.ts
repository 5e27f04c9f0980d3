import type { Entities } from '../../schema/index.js';

const NO_ENTITIES: Entities = Object.freeze({
  services: [],
  routes: [],
  consumers: [],
  plugins: [],
  upstreams: [],
  targets: [],
  certificates: [],
  snis: [],
  ca_certificates: [],
  vaults: [],
  keys: [],
  key_sets: [],
  consumer_groups: [],
  keyauth_credentials: [],
  basicauth_credentials: [],
  jwt_secrets: [],
  hmacauth_credentials: [],
  acls: [],
  consumer_group_members: [],
});

/**
 * Wraps an index builder so it runs once per snapshot however many plugin instances ask for it: the snapshot's
 * entities object is the cache key, so a reload (new entities) builds fresh indexes and the old ones are
 * collected with the old snapshot. Without entities (a plugin created outside a snapshot) the index is empty,
 * so authentication fails closed.
 */
export function perSnapshot<T>(build: (entities: Entities) => T): (entities: Entities | undefined) => T {
  const cache = new WeakMap<Entities, T>();
  return (entities = NO_ENTITIES) => {
    let index = cache.get(entities);
    if (index === undefined) {
      index = build(entities);
      cache.set(entities, index);
    }
    return index;
  };
}
