/**
 * Admin API views: everything the read-only Admin API answers from, computed once when a config is compiled
 * (pure; the caller deep-freezes the result). Requests only look things up here, they never scan entities.
 */
import { ENTITIES, type ConsumerGroupMember, type EntityDef, type EntityName, type Entities } from '../schema/index.js';
import { hasSecrets, redactRow } from './admin-secrets.js';

/** One entity as the Admin API returns it: every field present, foreign keys as `{ id }`. */
export type Row = Readonly<Record<string, unknown>> & { readonly id: string };

export interface CollectionView {
  readonly def: EntityDef;
  /** Kong DB-less order: ascending by id string (LMDB key order). */
  readonly rows: readonly Row[];
  readonly byId: ReadonlyMap<string, Row>;
  /** Endpoint-key value → row, only when that key is unique across the collection. */
  readonly byKey: ReadonlyMap<string, Row>;
  /** Foreign-key field → parent id → children in id order (service→routes, consumer→credentials, …). */
  readonly children: ReadonlyMap<string, ReadonlyMap<string, readonly Row[]>>;
  /** id → the row with its secrets replaced, for rows that carry any; null for entities that never do. */
  readonly redacted: ReadonlyMap<string, Row> | null;
}

export interface TagEntry {
  readonly tag: string;
  readonly entity_name: EntityName;
  readonly entity_id: string;
}

export interface AdminViews {
  readonly collections: ReadonlyMap<EntityName, CollectionView>;
  readonly consumersByCustomId: ReadonlyMap<string, Row>;
  /** Every (tag, entity) pair, ordered by tag, entity name, id; the paging key is `tagKey(entry)`. */
  readonly tags: readonly TagEntry[];
  readonly tagsByName: ReadonlyMap<string, readonly TagEntry[]>;
  /** Distinct plugin names present in the config (Kong's `enabled_in_cluster`). */
  readonly pluginsInUse: readonly string[];
  /** Consumer group id → its member consumers, in id order. */
  readonly groupMembers: ReadonlyMap<string, readonly Row[]>;
  /** Consumer id → the consumer groups it belongs to, in id order. */
  readonly groupsOfConsumer: ReadonlyMap<string, readonly Row[]>;
}

const EMPTY_CHILDREN: ReadonlyMap<string, readonly Row[]> = new Map();
const EMPTY_ROWS: readonly Row[] = [];

export function buildAdminViews(entities: Entities): AdminViews {
  return buildViews(entities as unknown as Readonly<Record<string, readonly Row[]>>);
}

/** Generic over plain rows so tests can feed hand-built fixtures. */
export function buildViews(entities: Readonly<Record<string, readonly Row[] | undefined>>): AdminViews {
  const sniNames = sniNamesByCertificate(entities['snis'] ?? EMPTY_ROWS);
  const collections = new Map<EntityName, CollectionView>();
  for (const def of ENTITIES) {
    let rows = entities[def.name] ?? EMPTY_ROWS;
    // Kong's certificates DAO returns the certificate with the names of its SNIs.
    if (def.name === 'certificates') rows = rows.map((c) => ({ ...c, snis: sniNames.get(c.id) ?? [] }));
    collections.set(def.name, buildCollection(def, rows));
  }
  const consumersByCustomId = new Map<string, Row>();
  for (const c of collections.get('consumers')!.rows) {
    if (typeof c['custom_id'] === 'string') consumersByCustomId.set(c['custom_id'], c);
  }
  const tags: TagEntry[] = [];
  for (const [name, view] of collections) {
    for (const row of view.rows) {
      const rowTags = row['tags'];
      if (!Array.isArray(rowTags)) continue;
      for (const tag of new Set(rowTags)) if (typeof tag === 'string') tags.push({ tag, entity_name: name, entity_id: row.id });
    }
  }
  tags.sort((a, b) => compare(tagKey(a), tagKey(b)));
  const tagsByName = new Map<string, TagEntry[]>();
  for (const e of tags) push(tagsByName, e.tag, e);
  const pluginsInUse = [...new Set(collections.get('plugins')!.rows.map((p) => String(p['name'])))].sort(compare);
  const members = (entities as Readonly<Record<string, unknown>>)['consumer_group_members'] as
    | readonly ConsumerGroupMember[]
    | undefined;
  const { groupMembers, groupsOfConsumer } = membership(collections, members ?? []);
  return { collections, consumersByCustomId, tags, tagsByName, pluginsInUse, groupMembers, groupsOfConsumer };
}

/** Both directions of consumer-group membership; a pair listed on both sides counts once. */
function membership(collections: ReadonlyMap<EntityName, CollectionView>, members: readonly ConsumerGroupMember[]) {
  const consumers = collections.get('consumers')!.byId;
  const groups = collections.get('consumer_groups')!.byId;
  const groupMembers = new Map<string, Row[]>();
  const groupsOfConsumer = new Map<string, Row[]>();
  const seen = new Set<string>();
  for (const m of members) {
    const c = consumers.get(m.consumer.id);
    const g = groups.get(m.consumer_group.id);
    const pair = `${m.consumer.id}\u0000${m.consumer_group.id}`;
    if (!c || !g || seen.has(pair)) continue;
    seen.add(pair);
    push(groupMembers, g.id, c);
    push(groupsOfConsumer, c.id, g);
  }
  for (const list of groupMembers.values()) list.sort((a, b) => compare(a.id, b.id));
  for (const list of groupsOfConsumer.values()) list.sort((a, b) => compare(a.id, b.id));
  return { groupMembers, groupsOfConsumer };
}

function buildCollection(def: EntityDef, input: readonly Row[]): CollectionView {
  const rows = [...input].sort((a, b) => compare(a.id, b.id));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byKey = new Map<string, Row>();
  if (def.endpointKey && def.unique.includes(def.endpointKey)) {
    for (const r of rows) {
      const k = r[def.endpointKey];
      if (typeof k === 'string') byKey.set(k, r);
    }
  }
  const children = new Map<string, Map<string, Row[]>>();
  for (const fk of def.foreignKeys) {
    const byParent = new Map<string, Row[]>();
    for (const r of rows) {
      const parentId = foreignId(r[fk.field]);
      if (parentId !== null) push(byParent, parentId, r);
    }
    children.set(fk.field, byParent);
  }
  let redacted: Map<string, Row> | null = null;
  if (hasSecrets(def.name)) {
    redacted = new Map();
    for (const r of rows) {
      const hidden = redactRow(def.name, r);
      if (hidden) redacted.set(r.id, hidden);
    }
  }
  return { def, rows, byId, byKey, children, redacted };
}

/** A row as a response shows it: secrets replaced unless the server exposes them. */
export function shown(view: CollectionView, row: Row, exposeSecrets: boolean): Row {
  return exposeSecrets || view.redacted === null ? row : (view.redacted.get(row.id) ?? row);
}

function sniNamesByCertificate(snis: readonly Row[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of snis) {
    const cert = foreignId(s['certificate']);
    if (cert !== null && typeof s['name'] === 'string') push(out, cert, s['name']);
  }
  for (const names of out.values()) names.sort(compare);
  return out;
}

/** Children of one parent through a foreign-key field, in id order. */
export function childrenOf(view: CollectionView, fkField: string, parentId: string): readonly Row[] {
  return (view.children.get(fkField) ?? EMPTY_CHILDREN).get(parentId) ?? EMPTY_ROWS;
}

/**
 * Kong's select-by-id-or-endpoint-key: the id first, then the endpoint key. With `parent`, the row must belong
 * to it, and keys that are not unique collection-wide (a target's `target`, an acl's `group`) are searched
 * among that parent's children.
 */
export function findRow(view: CollectionView, idOrKey: string, parent?: { field: string; id: string }): Row | undefined {
  const belongs = (r: Row | undefined) => (r && (!parent || foreignId(r[parent.field]) === parent.id) ? r : undefined);
  const hit = belongs(view.byId.get(idOrKey)) ?? belongs(view.byKey.get(idOrKey));
  if (hit || !parent) return hit;
  const key = scopedKey(view.def);
  if (!key || view.def.unique.includes(key)) return undefined;
  // Kong displays and matches a target without a port as port 8000.
  const alt = key === 'target' && !idOrKey.includes(':') ? `${idOrKey}:8000` : null;
  return childrenOf(view, parent.field, parent.id).find((r) => r[key] === idOrKey || (alt !== null && r[key] === alt));
}

/** The field a child may be named by inside its parent when it has no unique endpoint key. */
function scopedKey(def: EntityDef): string | null {
  if (def.name === 'acls') return 'group';
  return def.endpointKey;
}

export function foreignId(v: unknown): string | null {
  if (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string') return (v as { id: string }).id;
  return null;
}

export function tagKey(e: TagEntry): string {
  return `${e.tag}\u0000${e.entity_name}\u0000${e.entity_id}`;
}

/** Byte-order string comparison (LMDB keys), independent of locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
