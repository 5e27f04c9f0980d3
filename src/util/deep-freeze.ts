/**
 * Freezes an object graph in place (plain objects, arrays, Maps' and Sets' values); returns it typed read-only.
 * An object that is already frozen is taken as already deep-frozen: everything in sluice is frozen through
 * here, so re-freezing a snapshot's entities (frozen by the loader) costs nothing.
 */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (value === null || typeof value !== 'object' || seen.has(value as object)) return value;
  if (Object.isFrozen(value) && !(value instanceof Map) && !(value instanceof Set)) return value;
  seen.add(value as object);
  if (value instanceof Map) {
    for (const v of value.values()) deepFreeze(v, seen);
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v, seen);
  } else if (!ArrayBuffer.isView(value)) {
    for (const v of Object.values(value as object)) deepFreeze(v, seen);
  }
  return ArrayBuffer.isView(value) ? value : Object.freeze(value);
}
