import type { JsonValue } from './json-value.js';

/** One step into a JSON document: an object property, every array element, or one (1-based) element. */
export type PathSegment = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'all' } | { readonly kind: 'index'; readonly index: number };

export type JsonObject = { [key: string]: JsonValue };

/** Where a value lives (or would live): a property of an object or a position in an array. */
export type Slot = { readonly container: JsonObject; readonly key: string } | { readonly container: JsonValue[]; readonly key: number };

/**
 * Reads a property path. With `dots_in_keys` (Kong's default) the whole text is one property name;
 * without it `a.b`, `list[*]` and `list[2]` (the first element is 1) descend into objects and arrays.
 * Returns the segments or an error message.
 */
export function parseJsonPath(text: string, dotsInKeys: boolean): PathSegment[] | string {
  if (dotsInKeys) return [{ kind: 'key', key: text }];
  const out: PathSegment[] = [];
  let i = 0;
  let expectKey = true;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) return `'${text}': unclosed '['`;
      const inner = text.slice(i + 1, close);
      if (inner === '*') out.push({ kind: 'all' });
      else if (/^[1-9]\d*$/.test(inner)) out.push({ kind: 'index', index: Number(inner) });
      else return `'${text}': array selector must be [*] or a positive index, got [${inner}]`;
      i = close + 1;
      expectKey = false;
      continue;
    }
    if (ch === '.') {
      if (expectKey) return `'${text}': empty property name`;
      i++;
      expectKey = true;
      if (i === text.length) return `'${text}': empty property name`;
      continue;
    }
    if (!expectKey) return `'${text}': expected '.' or '[' after ']'`;
    let end = i;
    while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
    out.push({ kind: 'key', key: text.slice(i, end) });
    i = end;
    expectKey = false;
  }
  if (out.length === 0) return `'${text}': empty path`;
  return out;
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every slot the path reaches. `create` makes missing intermediate objects (for add and append); an
 * intermediate that is not of the kind the next step needs ends that branch quietly.
 */
export function locate(root: JsonValue, path: readonly PathSegment[], create: boolean): Slot[] {
  let nodes: JsonValue[] = [root];
  for (let s = 0; s < path.length - 1; s++) {
    const seg = path[s]!;
    const next: JsonValue[] = [];
    for (const node of nodes) {
      if (seg.kind === 'key') {
        if (!isJsonObject(node)) continue;
        let child = Object.hasOwn(node, seg.key) ? node[seg.key] : undefined;
        if (child === undefined && create && path[s + 1]!.kind === 'key') {
          child = {};
          setOwn(node, seg.key, child);
        }
        if (child !== undefined) next.push(child);
      } else if (Array.isArray(node)) {
        if (seg.kind === 'all') next.push(...node);
        else if (seg.index <= node.length) next.push(node[seg.index - 1]!);
      }
    }
    nodes = next;
  }
  const last = path[path.length - 1]!;
  const slots: Slot[] = [];
  for (const node of nodes) {
    if (last.kind === 'key') {
      if (isJsonObject(node)) slots.push({ container: node, key: last.key });
    } else if (Array.isArray(node)) {
      if (last.kind === 'all') for (let i = 0; i < node.length; i++) slots.push({ container: node, key: i });
      else if (last.index <= node.length) slots.push({ container: node, key: last.index - 1 });
    }
  }
  return slots;
}

// Own properties only: a body without "constructor" must not see Object.prototype's.
export function readSlot(slot: Slot): JsonValue | undefined {
  if (Array.isArray(slot.container)) return slot.container[slot.key as number];
  return Object.hasOwn(slot.container, slot.key) ? (slot.container as JsonObject)[slot.key as string] : undefined;
}

export function writeSlot(slot: Slot, value: JsonValue): void {
  if (Array.isArray(slot.container)) slot.container[slot.key as number] = value;
  else setOwn(slot.container as JsonObject, slot.key as string, value);
}

/** Plain assignment to "__proto__" would change the prototype instead of adding a property. */
export function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Deletes the slots; array elements are spliced out from the highest index down so positions hold. */
export function removeSlots(slots: readonly Slot[]): boolean {
  let removed = false;
  const fromArrays = new Map<JsonValue[], number[]>();
  for (const slot of slots) {
    if (Array.isArray(slot.container)) {
      const list = fromArrays.get(slot.container) ?? [];
      list.push(slot.key as number);
      fromArrays.set(slot.container, list);
    } else if (Object.hasOwn(slot.container, slot.key)) {
      delete (slot.container as JsonObject)[slot.key as string];
      removed = true;
    }
  }
  for (const [array, indexes] of fromArrays) {
    for (const i of [...new Set(indexes)].sort((a, b) => b - a)) array.splice(i, 1);
    removed = true;
  }
  return removed;
}
