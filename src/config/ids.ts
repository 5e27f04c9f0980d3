/** Kong's deterministic ids: UUID v5 of (entity namespace, key); see Kong's declarative_config.lua generate_ids */
import { createHash } from 'node:crypto';

const ROOT_NS = 'fd02801f-0957-4a15-a55a-c8d9606f30b5';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

export function uuidv5(namespace: string, name: string): string {
  const h = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const namespaces = new Map<string, string>();

/** The namespace for an entity collection (`uuidv5(ROOT, "services")`), memoised. */
export function entityNamespace(entity: string): string {
  let ns = namespaces.get(entity);
  if (ns === undefined) {
    ns = uuidv5(ROOT_NS, entity);
    namespaces.set(entity, ns);
  }
  return ns;
}

export function entityId(entity: string, key: string): string {
  return uuidv5(entityNamespace(entity), key);
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
