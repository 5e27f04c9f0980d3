import type { PluginCreateContext } from '../define.js';
import { LogSinks } from './sinks.js';

// Transitional, until PluginServices carries the gateway's LogSinks (created with the other services at
// gateway start, closed at its stop): sinks are kept per queue registry, which is per gateway, so instances of
// one gateway share files and connections and two gateways share nothing. Nothing closes these at stop.
const UNTIL_THE_SERVICES_CARRY_THEM = new WeakMap<object, LogSinks>();

/** The gateway's log sinks, as the plugin create context lends them. */
export function sinksOf(ctx: PluginCreateContext): LogSinks {
  const lent = (ctx as PluginCreateContext & { readonly logSinks?: LogSinks }).logSinks;
  if (lent !== undefined) return lent;
  let sinks = UNTIL_THE_SERVICES_CARRY_THEM.get(ctx.queues);
  if (sinks === undefined) {
    sinks = new LogSinks(ctx.logger);
    UNTIL_THE_SERVICES_CARRY_THEM.set(ctx.queues, sinks);
  }
  return sinks;
}
