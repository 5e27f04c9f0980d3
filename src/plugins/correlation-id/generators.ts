import { randomUUID } from 'node:crypto';

export type GeneratorName = 'uuid' | 'uuid#counter' | 'tracker';

/** What the tracker generator is made of (nginx variables in Kong). */
export interface TrackerFacts {
  readonly serverAddr: string;
  readonly serverPort: number;
  readonly pid: number;
  readonly connection: number;
  readonly connectionRequests: number;
  /** Seconds since the epoch, with milliseconds. */
  readonly now: number;
}

/** `addr-port-pid-connection-requests-seconds.millis`, Kong's tracker layout. */
export function trackerId(f: TrackerFacts): string {
  return `${f.serverAddr}-${f.serverPort}-${f.pid}-${f.connection}-${f.connectionRequests}-${f.now.toFixed(3)}`;
}

// One id per process plus a counter, as Kong keeps one per worker: cheap and unique without randomness per request.
const processUuid = randomUUID();
let counter = 0;

export function uuidCounter(): string {
  counter++;
  return `${processUuid}#${counter}`;
}

export function uuid(): string {
  return randomUUID();
}
