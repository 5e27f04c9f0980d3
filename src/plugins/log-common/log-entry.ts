import type { Pdk } from '../../pdk/kong.js';
import { applyCustomFields, type CustomFields } from './custom-fields.js';

/**
 * The log phase the Kong log plugins share: custom fields set, then kong.log.serialize() handed to `emit`
 * (which queues it; sending happens in the background). Synchronous unless a custom field awaits.
 */
export function logSerialized(fields: CustomFields, kong: Pdk, emit: (record: Record<string, unknown>) => void): void | Promise<void> {
  if (fields.length === 0) return emit(kong.log.serialize());
  const pending = applyCustomFields(fields, kong);
  if (pending === undefined) return emit(kong.log.serialize());
  return pending.then(() => emit(kong.log.serialize()));
}
