/**
 * Ids Kong gives the pieces of a route split by path group (kong/router/transform.lua
 * `split_routes_and_services_by_path`): UUIDv5 of "<route id>#<group number>". They only matter as the last
 * tie-break, where ATC orders equal priorities by UUID, largest first.
 */
import { createHash } from 'node:crypto';

const SPLIT_NAMESPACE = Buffer.from('7f145bf90dce4f9198ebdebbce4b9f6b', 'hex');

export function splitRouteId(routeId: string, groupNumber: number): string {
  const hash = createHash('sha1').update(SPLIT_NAMESPACE).update(`${routeId}#${groupNumber}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
