import { timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets (digests, signatures) without an early exit on the first differing byte. Only the
 * length can leak, and every caller compares values of a length fixed by the algorithm.
 */
export function sameSecret(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
