import { definePlugin } from '../define.js';
import { logEachRequest } from '../log-common/log-entry.js';
import { schema } from './schema.js';

interface Config {
  host: string;
  port: number;
  timeout: number;
  custom_fields_by_lua?: Record<string, string> | null;
}

/**
 * kong/plugins/udp-log/handler.lua: each request's kong.log.serialize() as one JSON datagram (no newline) to
 * host:port, on the gateway's socket for the destination (log-common/udp-sink.ts). `timeout` is accepted as
 * Kong's is; a datagram send does not wait for anyone, so nothing here can time out.
 */
export default definePlugin<Config>({
  schema,
  create(config, ctx) {
    const sinks = ctx.logSinks;
    const { host, port } = config;
    const emit = (json: string) => sinks.udp('udp-log', host, port).send(json);
    return logEachRequest('udp-log', config.custom_fields_by_lua, emit);
  },
});
