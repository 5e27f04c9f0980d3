/**
 * Entities a reload left unchanged are taken as the objects the serving snapshot already holds (same content key,
 * src/config/content-key.ts): they are frozen already, so only the changed ones are frozen here, and the copies
 * the load worker sent for the rest are garbage at once instead of doubling the entities' memory.
 */
import type { ContentKeys } from '../config/content-key.js';
import type { Entities } from '../schema/index.js';
import { deepFreeze } from '../util/deep-freeze.js';

/** Entities interned or frozen between two yields. */
const STEP = 1000;

export function* internEntities(
  entities: Entities,
  keys: ContentKeys,
  previous: ReadonlyMap<string, object>,
  next: Map<string, object>,
): Generator<void, Entities> {
  const out: Record<string, readonly object[]> = {};
  let n = 0;
  for (const [name, list] of Object.entries(entities) as [string, readonly object[]][]) {
    const listKeys = keys[name];
    const interned: object[] = [];
    for (let i = 0; i < list.length; i++) {
      const key = listKeys?.[i];
      const id = key === undefined ? undefined : `${name}|${key}`;
      const entity = (id === undefined ? undefined : (next.get(id) ?? previous.get(id))) ?? deepFreeze(list[i]!);
      if (id !== undefined) next.set(id, entity);
      interned.push(entity);
      if (++n % STEP === 0) yield;
    }
    out[name] = Object.freeze(interned);
  }
  return Object.freeze(out) as unknown as Entities;
}
