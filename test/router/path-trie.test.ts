/** The radix tree of path literals (src/router/path-trie.ts): a walk yields every key the path starts with. */
import t from 'tap';
import { PathTrie } from '../../src/router/path-trie.js';

const keys = ['', '/', '/a', '/api', '/api/v1', '/apiary', '/b/', '/é', '/éa', '/api/v1/users'];

function walk(trie: PathTrie<string>, path: string): string[] {
  const out: (readonly string[])[] = [];
  trie.collect(path, out);
  return out.flat();
}

t.test('every key the path starts with, shortest first, and nothing else', async (t) => {
  // Inserted in two orders: edge splits must not depend on which key came first.
  for (const order of [keys, [...keys].reverse()]) {
    const trie = new PathTrie<string>();
    for (const k of order) trie.add(k, k);
    for (const path of ['/', '/a', '/ap', '/api', '/api/v1/users/7', '/apiar', '/apiary/x', '/b', '/b/c', '/éa', '/x', '']) {
      const want = keys.filter((k) => path.startsWith(k)).sort((a, b) => a.length - b.length);
      t.same(walk(trie, path), want, `${JSON.stringify(path)} (${order === keys ? 'forward' : 'reverse'})`);
    }
  }
});

t.test('items keep their order; a repeat of the last one is dropped', async (t) => {
  const trie = new PathTrie<string>();
  for (const [k, v] of [['/a', 'r1'], ['/a', 'r1'], ['/a', 'r2'], ['/ab', 'r3'], ['/a', 'r4']] as const) trie.add(k, v);
  t.same(walk(trie, '/abc'), ['r1', 'r2', 'r4', 'r3']);
});
