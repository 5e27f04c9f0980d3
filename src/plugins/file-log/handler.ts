import { definePlugin } from '../define.js';
import { logEachRequest } from '../log-common/log-entry.js';
import { schema } from './schema.js';

interface Config {
  path: string;
  reopen: boolean;
  custom_fields_by_lua?: Record<string, string> | null;
}

/**
 * kong/plugins/file-log/handler.lua: one JSON line per request appended to `path`. The gateway's file for the
 * path (log-common/file-sink.ts) is kept open across requests and reloads and reopened on rename or SIGUSR1;
 * with `reopen: true` it is opened and closed around each write, as Kong's. The line is queued in the log
 * phase and written in the background, in order.
 */
export default definePlugin<Config>({
  schema,
  create(config, ctx) {
    const sinks = ctx.logSinks;
    const { path, reopen } = config;
    const emit = (json: string) => sinks.file(path).write(`${json}\n`, reopen);
    return logEachRequest('file-log', config.custom_fields_by_lua, emit);
  },
});
