/**
 * Content keys: a hash of what an entity says, for the compile step to tell which entities a reload left as they
 * were (and reuse what it compiled from them). Computed where the entities are made (in the load worker), so the
 * proxy's event loop does not pay for them. They are taken before the load's clock stamps created_at/updated_at:
 * those change with every load while the entity does not.
 */
import { createHash } from 'node:crypto';
import type { Entities } from '../schema/index.js';

/** Per collection, the key of each entity, in the collection's order. */
export type ContentKeys = Readonly<Record<string, readonly string[]>>;

/**
 * The key of an entity as normalize leaves it, before the load's clock stamps it (src/config/load.ts): a
 * created_at or updated_at the file does not set is null here. sha1: half md5's cost, and as good at telling
 * contents apart (keys are no defence against the file's own author).
 */
export function contentKey(entity: object): string {
  return createHash('sha1').update(JSON.stringify(entity)).digest('base64');
}

/** The keys of entities not yet stamped (the loader's). */
export function contentKeys(entities: Entities): ContentKeys {
  return keysBy(entities, contentKey);
}

/**
 * The keys of entities already stamped (a config built without the loader): the stamps read as unset, so an
 * entity stamped by the clock has the key the loader gives it.
 */
export function stampedContentKeys(entities: Entities): ContentKeys {
  return keysBy(entities, (e) => contentKey(unstamped(e)));
}

function unstamped(e: object): object {
  if (!('created_at' in e) && !('updated_at' in e)) return e;
  const copy: Record<string, unknown> = { ...e };
  if ('created_at' in copy) copy.created_at = null;
  if ('updated_at' in copy) copy.updated_at = null;
  return copy;
}

function keysBy(entities: Entities, key: (e: object) => string): ContentKeys {
  const out: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(entities)) out[name] = (list as object[]).map(key);
  return out;
}
