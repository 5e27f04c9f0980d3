/**
 * A radix tree of path literals (prefix paths, regex literals). Walking it along a request path yields the
 * list of every key the path starts with, in a few probes however many keys there are.
 */

class TrieNode<T> {
  /** First code unit of each child's label, in the order of `children` (scanning a short string beats a Map). */
  firsts = '';
  children: TrieNode<T>[] | null = null;
  items: T[] | null = null;
  constructor(public label: string) {}

  child(first: number): TrieNode<T> | undefined {
    const firsts = this.firsts;
    for (let k = 0; k < firsts.length; k++) if (firsts.charCodeAt(k) === first) return this.children![k];
    return undefined;
  }

  setChild(first: number, node: TrieNode<T>): void {
    const at = this.firsts.indexOf(String.fromCharCode(first));
    if (at >= 0) this.children![at] = node;
    else {
      this.firsts += String.fromCharCode(first);
      (this.children ??= []).push(node);
    }
  }
}

export class PathTrie<T> {
  private readonly root = new TrieNode<T>('');

  /** Adds `item` under `key`; items must arrive in the order lists are read (a repeat of the last one is dropped). */
  add(key: string, item: T): void {
    let node = this.root;
    let i = 0;
    while (i < key.length) {
      const first = key.charCodeAt(i);
      const child = node.child(first);
      if (child === undefined) {
        const leaf = new TrieNode<T>(key.slice(i));
        node.setChild(first, leaf);
        node = leaf;
        break;
      }
      const label = child.label;
      let k = 1;
      while (k < label.length && i + k < key.length && label.charCodeAt(k) === key.charCodeAt(i + k)) k++;
      if (k < label.length) {
        // The key ends or turns inside the label: split the edge where they part.
        const middle = new TrieNode<T>(label.slice(0, k));
        child.label = label.slice(k);
        middle.setChild(child.label.charCodeAt(0), child);
        node.setChild(first, middle);
        node = middle;
      } else node = child;
      i += k;
    }
    const items = (node.items ??= []);
    if (items[items.length - 1] !== item) items.push(item);
  }

  /** Appends to `out` the items of every key `path` starts with (shortest key first). */
  collect(path: string, out: (readonly T[])[]): void {
    let node = this.root;
    if (node.items !== null) out.push(node.items);
    let i = 0;
    while (i < path.length) {
      const child = node.child(path.charCodeAt(i));
      if (child === undefined || !path.startsWith(child.label, i)) return;
      i += child.label.length;
      node = child;
      if (node.items !== null) out.push(node.items);
    }
  }
}
