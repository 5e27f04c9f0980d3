import type { Pdk } from '../../pdk/kong.js';
import type { PluginHandlers } from '../define.js';
import { applyCustomFields, compileCustomFields, type CustomFields } from './custom-fields.js';

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

/** The handlers of a plugin that emits every request's record: its custom fields compiled here, at load. */
export function logEachRequest(
  plugin: string,
  customFields: Readonly<Record<string, string>> | null | undefined,
  emit: (record: Record<string, unknown>) => void,
): PluginHandlers {
  const fields = compileCustomFields(plugin, customFields);
  return { log: (kong) => logSerialized(fields, kong, emit) };
}
