/**
 * Normalize stage, first step: nesting → flat collections (Kong's declarative flatten). Children move to their own
 * collection with the parent's foreign key filled in, and every record gets its id (explicit, or derived as Kong
 * derives it from the record as written). May: restructure and add ids. May not: fill defaults, resolve
 * references or report problems (a nested record that names a parent is checked in references.ts).
 */
import { createHash } from 'node:crypto';
import { ENTITIES, type EntityDef, type EntityName, entityDef } from '../schema/index.js';
import { joinPath } from './errors.js';
import { entityId } from './ids.js';
import type { Segment } from './parse.js';

export interface FlatRow {
  readonly def: EntityDef;
  /** The record, shallow-copied from the input (children removed); normalization replaces it. */
  value: Record<string, unknown>;
  /** Where the record sits in the file. */
  readonly path: Segment[];
  /** The foreign key its parent filled in, if nested. */
  readonly nestedIn: string | null;
  /** What a nested record wrote in that foreign key itself (a name or an id of its parent, Kong allows it); else null. */
  readonly namedParent: unknown;
}

export type FlatRows = Map<EntityName, FlatRow[]>;

export function flatten(doc: Record<string, unknown>): FlatRows {
  const rows: FlatRows = new Map(ENTITIES.map((e) => [e.name, []]));
  const visit = (def: EntityDef, record: Record<string, unknown>, path: Segment[], parent: { fk: string; id: string } | null) => {
    const value: Record<string, unknown> = { ...record };
    for (const c of def.children) delete value[c.key];
    const named = parent ? (value[parent.fk] ?? null) : null;
    // Kong derives the id from the record as written (generate_ids runs before the parent key is filled in).
    if (typeof value.id === 'string') value.id = value.id.toLowerCase();
    else value.id = generateId(def, value, path, parent);
    if (parent) value[parent.fk] = { id: parent.id };
    rows.get(def.name)!.push({ def, value, path, nestedIn: parent?.fk ?? null, namedParent: named });
    for (const c of def.children) {
      const list = record[c.key];
      if (!Array.isArray(list)) continue;
      list.forEach((child, i) => {
        if (child && typeof child === 'object') {
          visit(entityDef(c.entity), child as Record<string, unknown>, [...path, c.key, i], { fk: c.fk, id: value.id as string });
        }
      });
    }
  };
  for (const def of ENTITIES) {
    const list = doc[def.name];
    if (!Array.isArray(list)) continue;
    list.forEach((rec, i) => {
      if (rec && typeof rec === 'object') visit(def, rec as Record<string, unknown>, [def.name, i], null);
    });
  }
  return rows;
}

/**
 * Kong (declarative_config.lua generate_ids): cache-key entities hash `<entity>:*:<fields as written>`; entities with a unique endpoint key hash
 * that value. Where Kong would pick a random id (unnamed services, certificates, key-auth, jwt) sluice derives one
 * from the record's place in the file instead, so the same file always yields the same ids.
 */
function generateId(def: EntityDef, value: Record<string, unknown>, path: Segment[], parent: { fk: string; id: string } | null): string {
  if (def.cacheKey && !(def.name === 'keyauth_credentials' || def.name === 'jwt_secrets')) {
    const parts: string[] = [];
    for (const f of def.cacheKey) {
      const v = value[f];
      if ((v === undefined || v === null) && f === parent?.fk) parts.push(parent.id);
      else if (v === undefined || v === null) parts.push('');
      else if (typeof v === 'string' || typeof v === 'number') parts.push(String(v));
      // `{ id }` written by hand contributes no segment (Kong quirk, kept for identical ids).
    }
    return entityId(def.name, `${def.name}:*:${parts.join(':')}`);
  }
  if (def.endpointKey && def.unique.includes(def.endpointKey)) {
    const k = value[def.endpointKey];
    if (typeof k === 'string' && k !== '' && def.name !== 'keyauth_credentials' && def.name !== 'jwt_secrets') {
      return entityId(def.name, k);
    }
  }
  const digest = createHash('sha1').update(joinPath(path)).digest('hex');
  return entityId(def.name, `sluice:${digest}`);
}
