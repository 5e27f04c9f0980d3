/** Worker thread body: runs the pure config pipeline on request. */
import { parentPort } from 'node:worker_threads';
import { loadConfigText } from '../config/load.js';

/**
 * Entities go over in parts of this many: the main thread deserializes each message in one go, and 10 000 routes
 * in one message held its event loop for 150–350 ms.
 */
const PART = 500;

parentPort?.on('message', (m: { id: number; text: string; filename: string }) => {
  const result = loadConfigText(m.text, m.filename);
  if (!result.ok) return parentPort!.postMessage({ id: m.id, result });
  const { entities, ...rest } = result.config;
  for (const [name, list] of Object.entries(entities) as [string, unknown[]][]) {
    for (let i = 0; i < list.length; i += PART) parentPort!.postMessage({ id: m.id, part: { name, items: list.slice(i, i + PART) } });
  }
  parentPort!.postMessage({ id: m.id, result: { ok: true, config: { ...rest, entities: Object.fromEntries(Object.keys(entities).map((n) => [n, []])) } } });
});
