import { isJsonObject, type PathSegment } from './json-path.js';
import type { JsonValue } from './json-value.js';

/** The allow list as a tree: a leaf keeps everything below it, a branch keeps only what it names. */
interface AllowNode {
  leaf: boolean;
  readonly keys: Map<string, AllowNode>;
  all: AllowNode | null;
  readonly indexes: Map<number, AllowNode>;
}

function node(): AllowNode {
  return { leaf: false, keys: new Map(), all: null, indexes: new Map() };
}

export type AllowTree = AllowNode;

export function compileAllowTree(paths: readonly (readonly PathSegment[])[]): AllowTree {
  const root = node();
  for (const path of paths) {
    let at = root;
    for (const seg of path) {
      let next: AllowNode | undefined;
      if (seg.kind === 'key') {
        next = at.keys.get(seg.key);
        if (!next) at.keys.set(seg.key, (next = node()));
      } else if (seg.kind === 'all') {
        next = at.all ??= node();
      } else {
        next = at.indexes.get(seg.index - 1);
        if (!next) at.indexes.set(seg.index - 1, (next = node()));
      }
      at = next;
    }
    at.leaf = true;
  }
  return root;
}

const DROP = Symbol('drop');

/**
 * A copy of `value` holding only what the allow list names, in the body's own order. A path that reaches
 * past a scalar, or asks an array for keys, keeps nothing; the root always stays an object or array.
 */
export function applyAllow(value: JsonValue, tree: AllowTree): JsonValue {
  const out = filter(value, [tree]);
  if (out !== DROP) return out;
  return Array.isArray(value) ? [] : {};
}

function filter(value: JsonValue, nodes: readonly AllowNode[]): JsonValue | typeof DROP {
  if (nodes.some((n) => n.leaf)) return value;
  if (isJsonObject(value)) {
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value)) {
      const children = nodes.flatMap((n) => n.keys.get(key) ?? []);
      if (children.length === 0) continue;
      const kept = filter(value[key]!, children);
      if (kept !== DROP) out[key] = kept;
    }
    return nodes.some((n) => n.keys.size > 0) ? out : DROP;
  }
  if (Array.isArray(value)) {
    if (!nodes.some((n) => n.all !== null || n.indexes.size > 0)) return DROP;
    const out: JsonValue[] = [];
    value.forEach((item, i) => {
      const children = nodes.flatMap((n) => [...(n.all ? [n.all] : []), ...(n.indexes.get(i) ? [n.indexes.get(i)!] : [])]);
      if (children.length === 0) return;
      const kept = filter(item, children);
      if (kept !== DROP) out.push(kept);
    });
    return out;
  }
  return DROP;
}
