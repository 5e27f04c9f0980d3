/** Worker thread body: runs the pure config pipeline on request. */
import { parentPort } from 'node:worker_threads';
import { loadConfigText } from '../config/load.js';

parentPort?.on('message', (m: { id: number; text: string; filename: string }) => {
  parentPort!.postMessage({ id: m.id, result: loadConfigText(m.text, m.filename) });
});
