/**
 * Worker thread body for save-patterns.ts: the writer runs on its own event loop, as an editor or kubelet runs
 * in its own process, so the gateway's work on the main thread (compiles, parses, GC) cannot stretch the pauses
 * between pieces past the debounce window.
 */
import { parentPort } from 'node:worker_threads';
import { type Pieces, SAVE_PATTERNS, type SaveTarget } from './save-patterns.js';

export interface SaveJob {
  id: number;
  pattern: string;
  target: SaveTarget;
  text: string;
  pieces: Pieces;
}

parentPort?.postMessage({ ready: true });
parentPort?.on('message', (job: SaveJob) => {
  const pattern = SAVE_PATTERNS.find((p) => p.name === job.pattern)!;
  pattern.save(job.target, job.text, job.pieces).then(
    (gap) => parentPort!.postMessage({ id: job.id, gap, saves: job.target.saves }),
    (err: Error) => parentPort!.postMessage({ id: job.id, error: err.message }),
  );
});
