import { hostname } from 'node:os';
import type { Pdk } from '../../pdk/kong.js';
import { definePlugin } from '../define.js';
import { type GeneratorName, trackerId, uuid, uuidCounter } from './generators.js';
import { schema } from './schema.js';

interface Config {
  header_name?: string | null;
  generator: GeneratorName;
  echo_downstream: boolean;
}

const HOST = hostname();
let requestSerial = 0;

/**
 * The tracker's nginx facts the PDK does not expose (server address, connection serial, requests on the
 * connection) are stood in for by the host name and a per-process request serial.
 */
function tracker(kong: Pdk): string {
  requestSerial++;
  return trackerId({
    serverAddr: HOST,
    serverPort: kong.request.get_port(),
    pid: process.pid,
    connection: requestSerial,
    connectionRequests: 1,
    now: Date.now() / 1000,
  });
}

export default definePlugin<Config>({
  schema,
  create(config) {
    // Kong's header_name default, also when an exported config carries it as null.
    const header = config.header_name ?? 'Kong-Request-ID';
    const generate: (kong: Pdk) => string = config.generator === 'uuid' ? uuid : config.generator === 'tracker' ? tracker : uuidCounter;
    return {
      access(kong) {
        let id = kong.request.get_header(header);
        if (id === null || id === '') {
          id = generate(kong);
          kong.service.request.set_header(header, id);
        }
        if (config.echo_downstream) kong.ctx.plugin.id = id;
        // Kong: log plugins see the id as `correlation_id` in kong.log.serialize().
        kong.log.set_serialize_value('correlation_id', id);
      },
      header_filter(kong) {
        if (!config.echo_downstream) return;
        let id = (kong.ctx.plugin.id as string | undefined) ?? kong.request.get_header(header);
        if (id === null || id === '') id = generate(kong);
        kong.response.set_header(header, id);
      },
    };
  },
});
