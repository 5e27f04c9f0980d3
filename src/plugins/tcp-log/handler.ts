import { definePlugin } from '../define.js';
import { logEachRequest } from '../log-common/log-entry.js';
import type { TcpDestination } from '../log-common/tcp-sink.js';
import { schema } from './schema.js';

interface Config {
  host: string;
  port: number;
  timeout: number;
  keepalive: number;
  tls: boolean;
  tls_sni?: string | null;
  custom_fields_by_lua?: Record<string, string> | null;
}

/**
 * kong/plugins/tcp-log/handler.lua: each request's kong.log.serialize() as one JSON line (`\n`-terminated) on a
 * kept-alive connection to host:port, TLS when `tls` (SNI `tls_sni`, certificate not verified). Sent in the
 * background on the gateway's connection for this destination (log-common/tcp-sink.ts).
 */
export default definePlugin<Config>({
  schema,
  create(config, ctx) {
    const sinks = ctx.logSinks;
    const dest: TcpDestination = Object.freeze({
      owner: 'tcp-log',
      host: config.host,
      port: config.port,
      timeoutMs: config.timeout,
      keepaliveMs: config.keepalive,
      tls: config.tls,
      sni: config.tls_sni ?? null,
    });
    const emit = (json: string) => sinks.tcp(dest).send(`${json}\n`);
    return logEachRequest('tcp-log', config.custom_fields_by_lua, emit);
  },
});
