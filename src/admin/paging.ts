/**
 * Collection paging and tag filters, Kong DB-less style (kong/api/endpoints.lua, kong/db/strategies/off):
 * `size` 1–1000 (default 100), an opaque `offset` token, `tags` as `a,b` (AND) or `a/b` (OR).
 */
import { type AdminResponse, daoError } from './responses.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
const MAX_TAGS = 5;

export interface TagFilter {
  readonly mode: 'and' | 'or';
  readonly tags: readonly string[];
}

export interface PageQuery {
  readonly size: number;
  /** Whether `size` was given (Kong repeats it in `next` only then). */
  readonly sizeGiven: boolean;
  /** Raw offset token as given, or null for the first page. */
  readonly offset: string | null;
  readonly tags: TagFilter | null;
  /** Raw `tags` value, repeated in `next`. */
  readonly rawTags: string | null;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AdminResponse };

export function parsePageQuery(query: URLSearchParams): Parsed<PageQuery> {
  const rawSize = query.get('size');
  let size = DEFAULT_PAGE_SIZE;
  if (rawSize !== null) {
    const n = rawSize.trim() === '' ? NaN : Number(rawSize);
    if (!Number.isFinite(n)) return { ok: false, error: invalidSize('size must be a number') };
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
      return { ok: false, error: invalidSize(`size must be an integer between 1 and ${MAX_PAGE_SIZE}`) };
    }
    size = n;
  }
  const rawTags = query.get('tags');
  let tags: TagFilter | null = null;
  if (rawTags !== null) {
    const parsed = parseTagFilter(rawTags);
    if (!parsed.ok) return parsed;
    tags = parsed.value;
  }
  return { ok: true, value: { size, sizeGiven: rawSize !== null, offset: query.get('offset'), tags, rawTags } };
}

export function parseTagFilter(raw: string): Parsed<TagFilter> {
  const hasAnd = raw.includes(',');
  const hasOr = raw.includes('/');
  if (hasAnd && hasOr) return { ok: false, error: invalidOptions('invalid filter syntax') };
  const tags = raw.split(hasOr ? '/' : ',').filter((t) => t !== '');
  if (tags.length === 0) return { ok: false, error: invalidOptions('cannot be null') };
  if (tags.length > MAX_TAGS) return { ok: false, error: invalidOptions(`cannot query more than ${MAX_TAGS} tags`) };
  return { ok: true, value: { mode: hasOr ? 'or' : 'and', tags } };
}

export function matchesTags(rowTags: unknown, filter: TagFilter): boolean {
  if (!Array.isArray(rowTags)) return false;
  return filter.mode === 'and' ? filter.tags.every((t) => rowTags.includes(t)) : filter.tags.some((t) => rowTags.includes(t));
}

/** The offset token: base64url of the last returned key, without padding. */
export function encodeOffset(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** Null when the token is not one `encodeOffset` could have produced (standard base64 is accepted too). */
export function decodeOffset(token: string): string | null {
  if (token === '' || !/^[A-Za-z0-9_+/-]+={0,2}$/.test(token)) return null;
  const bare = token.replace(/=+$/, '');
  if (bare.length % 4 === 1) return null;
  const key = Buffer.from(bare.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url').toString('utf8');
  if (key.includes('\uFFFD')) return null;
  return key;
}

export interface Page<T> {
  readonly data: readonly T[];
  /** Token for the next page, null on the last one. */
  readonly offset: string | null;
}

/**
 * One page of `items` (already sorted by `keyOf`, ascending byte order): those after the key in `offset`.
 * Kong DB-less reads a page then filters by tags (pages may come out short); sluice filters first so that
 * every page is full, which clients following `next` cannot tell apart.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  q: Pick<PageQuery, 'size' | 'offset'>,
): Parsed<Page<T>> {
  let start = 0;
  if (q.offset !== null) {
    const after = decodeOffset(q.offset);
    if (after === null) return { ok: false, error: invalidOffset(q.offset) };
    start = firstAfter(items, keyOf, after);
  }
  const data = items.slice(start, start + q.size);
  const more = start + q.size < items.length;
  const last = data[data.length - 1];
  return { ok: true, value: { data, offset: more && last !== undefined ? encodeOffset(keyOf(last)) : null } };
}

/** Kong's targets endpoints page an in-memory list with numeric offsets ("100"). */
export function paginateByIndex<T>(items: readonly T[], q: Pick<PageQuery, 'size' | 'offset'>): Parsed<Page<T>> {
  let start = 0;
  if (q.offset !== null) {
    if (!/^\d+$/.test(q.offset)) return { ok: false, error: invalidOffset(q.offset) };
    start = Number(q.offset);
  }
  const data = items.slice(start, start + q.size);
  const end = start + q.size;
  return { ok: true, value: { data, offset: end < items.length ? String(end) : null } };
}

function firstAfter<T>(items: readonly T[], keyOf: (item: T) => string, after: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(items[mid]!) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The page body: `{data, offset?, next}`. `next` repeats the path as requested; tags and size follow only on
 * top-level collections (Kong drops them on nested ones).
 */
export function pageBody<T>(page: Page<T>, path: string, q: PageQuery, nested: boolean): Record<string, unknown> {
  if (page.offset === null) return { data: page.data, next: null };
  let next = `${path}?offset=${encodeURIComponent(page.offset)}`;
  if (!nested) {
    if (q.rawTags !== null) next += `&tags=${encodeURIComponent(q.rawTags)}`;
    if (q.sizeGiven) next += `&size=${q.size}`;
  }
  return { data: page.data, offset: page.offset, next };
}

function invalidSize(text: string): AdminResponse {
  return daoError(400, 9, 'invalid size', text);
}

function invalidOffset(token: string): AdminResponse {
  return daoError(400, 7, 'invalid offset', `'${token}' is not a valid offset: bad base64 encoding`);
}

function invalidOptions(reason: string): AdminResponse {
  return daoError(400, 11, 'invalid options', `invalid option (tags: ${reason})`, { options: { tags: reason } });
}
