import type { Redis } from 'ioredis';
import { EXPIRATION, type Period } from './windows.js';

/**
 * Counts this request in every period and returns the usage before it, in one round trip: per key a
 * `SET NX EX` that starts a window with its expiry, then `INCR`, inside MULTI so no key is left without one.
 * Like Kong's realtime Redis policy, refused requests count too.
 */
export async function redisUsage(client: Redis, keys: readonly string[], periods: readonly Period[]): Promise<number[]> {
  const tx = client.multi();
  for (let i = 0; i < keys.length; i++) {
    tx.set(keys[i]!, 0, 'EX', EXPIRATION[periods[i]!], 'NX');
    tx.incr(keys[i]!);
  }
  const results = await tx.exec();
  if (results === null) throw new Error('redis transaction aborted');
  const used: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const [err, value] = results[i * 2 + 1]!;
    if (err) throw err;
    used.push(Number(value) - 1);
  }
  return used;
}
