/**
 * Worker thread body: runs the pure config pipeline on request and sends the main thread the result, with only
 * the entities the main thread does not hold already (src/runtime/load-worker.ts keeps those of the last result
 * it received, by content key): a reload that changes one route sends one route, not 10 000 copies that the
 * compile would throw away for the objects it already holds.
 */
import { parentPort } from 'node:worker_threads';
import { loadConfigText } from '../config/load.js';
import { entityId, type LoadRequest } from './load-worker.js';

/**
 * Entities go over in parts of this many: the main thread deserializes each message in one go, and 10 000 routes
 * in one message held its event loop for 150–350 ms.
 */
const PART = 500;

/** The keys of the entities of the last result sent: the main thread holds exactly those once it has it. */
let last: { id: number; keys: Set<string> } | null = null;

parentPort?.on('message', (m: LoadRequest) => {
  const result = loadConfigText(m.text, m.filename, { freeze: false });
  if (!result.ok) return parentPort!.postMessage({ id: m.id, result });
  const { entities, keys, ...rest } = result.config;
  const known = last !== null && last.id === m.base ? last.keys : null;
  const sent = new Set<string>();
  for (const [name, list] of Object.entries(entities) as [string, unknown[]][]) {
    const listKeys = keys![name]!;
    const items: unknown[] = [];
    for (let i = 0; i < list.length; i++) {
      const id = entityId(name, listKeys[i]!);
      sent.add(id);
      if (known === null || !known.has(id)) items.push(list[i]);
    }
    for (let i = 0; i < items.length; i += PART) parentPort!.postMessage({ id: m.id, part: { name, items: items.slice(i, i + PART) } });
  }
  last = { id: m.id, keys: sent };
  const config = { ...rest, keys, entities: Object.fromEntries(Object.keys(entities).map((n) => [n, []])) };
  parentPort!.postMessage({ id: m.id, base: known === null ? 0 : m.base, result: { ok: true, config } });
});
