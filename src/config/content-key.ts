/**
 * Content keys: a hash of what an entity says, for the compile step to tell which entities a reload left as they
 * were (and reuse what it compiled from them). Computed where the entities are made (in the load worker), so the
 * proxy's event loop does not pay for them. The clock's created_at/updated_at are left out: they change with
 * every load while the entity does not.
 */
import { createHash } from 'node:crypto';
import type { Entities } from '../schema/index.js';

/** Per collection, the key of each entity, in the collection's order. */
export type ContentKeys = Readonly<Record<string, readonly string[]>>;

export function contentKey(entity: object): string {
  const { created_at: _c, updated_at: _u, ...rest } = entity as Record<string, unknown>;
  return createHash('md5').update(JSON.stringify(rest)).digest('base64');
}

export function contentKeys(entities: Entities): ContentKeys {
  const out: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(entities)) out[name] = (list as object[]).map(contentKey);
  return out;
}
