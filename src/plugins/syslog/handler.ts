import { definePlugin } from '../define.js';
import { logEachRecord } from '../log-common/log-entry.js';
import { type Facility, FACILITIES, type Severity, SEVERITIES, schema } from './schema.js';

interface Config {
  log_level: Severity;
  successful_severity: Severity;
  client_errors_severity: Severity;
  server_errors_severity: Severity;
  facility: Facility;
  custom_fields_by_lua?: Record<string, string> | null;
}

const code = (s: Severity): number => SEVERITIES.indexOf(s);

/**
 * kong/plugins/syslog/handler.lua: kong.log.serialize() as JSON to the local syslog at the severity of the
 * response's status class (5xx server_errors_severity, 4xx client_errors_severity, else successful_severity),
 * and only when that severity is at least as severe as `log_level` (Kong: LOG_PRIORITIES[severity] <=
 * LOG_PRIORITIES[log_level]). The priorities per class are worked out at load.
 */
export default definePlugin<Config>({
  schema,
  create(config, ctx) {
    const sinks = ctx.logSinks;
    const threshold = code(config.log_level);
    const facility = FACILITIES[config.facility] * 8;
    // The PRI per status class, or -1 when that class is below log_level and not sent.
    const pri = (s: Severity) => (code(s) <= threshold ? facility + code(s) : -1);
    const success = pri(config.successful_severity);
    const clientError = pri(config.client_errors_severity);
    const serverError = pri(config.server_errors_severity);
    if (success < 0 && clientError < 0 && serverError < 0) return {};
    const emit = (record: Record<string, unknown>) => {
      const status = (record.response as { status?: number } | undefined)?.status ?? 0;
      const p = status >= 500 ? serverError : status >= 400 ? clientError : success;
      if (p >= 0) sinks.syslog().send(p, JSON.stringify(record));
    };
    return logEachRecord('syslog', config.custom_fields_by_lua, emit);
  },
});
