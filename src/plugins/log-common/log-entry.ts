import type { Pdk } from '../../pdk/kong.js';
import type { PluginHandlers } from '../define.js';
import { applyCustomFields, compileCustomFields, type CustomFields } from './custom-fields.js';

/** Hands one request's record on; `kong` is that request's PDK (for kong.log). */
export type Emit = (record: Record<string, unknown>, kong: Pdk) => void;

/**
 * The log phase the Kong log plugins share: custom fields set, then kong.log.serialize() handed to `emit`
 * (which queues it; sending happens in the background). Synchronous unless a custom field awaits.
 */
export function logSerialized(fields: CustomFields, kong: Pdk, emit: Emit): void | Promise<void> {
  if (fields.length === 0) return emit(kong.log.serialize(), kong);
  const pending = applyCustomFields(fields, kong);
  if (pending === undefined) return emit(kong.log.serialize(), kong);
  return pending.then(() => emit(kong.log.serialize(), kong));
}

/** The handlers of a plugin that emits every request's record: its custom fields compiled here, at load. */
export function logEachRequest(
  plugin: string,
  customFields: Readonly<Record<string, string>> | null | undefined,
  emit: Emit,
): PluginHandlers {
  const fields = compileCustomFields(plugin, customFields);
  return { log: (kong) => logSerialized(fields, kong, emit) };
}
