import type { Pdk } from '../../pdk/kong.js';
import { SERIALIZED_JSON } from '../../pdk/log.js';
import type { PluginHandlers } from '../define.js';
import { applyCustomFields, compileCustomFields, type CustomFields } from './custom-fields.js';

/** Hands one request's record on, as the object or as its JSON text; `kong` is that request's PDK (for kong.log). */
export type Emit<R> = (record: R, kong: Pdk) => void;

type Read<R> = (kong: Pdk) => R;

const asObject: Read<Record<string, unknown>> = (kong) => kong.log.serialize();
const asJson: Read<string> = (kong) => kong.log[SERIALIZED_JSON]();

/**
 * The log phase the Kong log plugins share: custom fields set, then kong.log.serialize() handed to `emit`
 * (which queues it; sending happens in the background). Synchronous unless a custom field awaits.
 */
function logSerialized<R>(fields: CustomFields, kong: Pdk, read: Read<R>, emit: Emit<R>): void | Promise<void> {
  if (fields.length === 0) return emit(read(kong), kong);
  const pending = applyCustomFields(fields, kong);
  if (pending === undefined) return emit(read(kong), kong);
  return pending.then(() => emit(read(kong), kong));
}

function logEach<R>(plugin: string, customFields: Readonly<Record<string, string>> | null | undefined, read: Read<R>, emit: Emit<R>): PluginHandlers {
  const fields = compileCustomFields(plugin, customFields);
  return { log: (kong) => logSerialized(fields, kong, read, emit) };
}

/** The handlers of a plugin that sends every request's record as JSON text: its custom fields compiled here, at load. */
export function logEachRequest(plugin: string, customFields: Readonly<Record<string, string>> | null | undefined, emit: Emit<string>): PluginHandlers {
  return logEach(plugin, customFields, asJson, emit);
}

/** As logEachRequest, for a plugin that reads the record before (or instead of) sending it. */
export function logEachRecord(
  plugin: string,
  customFields: Readonly<Record<string, string>> | null | undefined,
  emit: Emit<Record<string, unknown>>,
): PluginHandlers {
  return logEach(plugin, customFields, asObject, emit);
}
