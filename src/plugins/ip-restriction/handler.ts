import { definePlugin } from '../define.js';
import { ipMatcher } from './ip-list.js';
import { schema } from './schema.js';

interface Config {
  allow?: string[] | null;
  deny?: string[] | null;
  status?: number | null;
  message?: string | null;
}

export default definePlugin<Config>({
  schema,
  create(config) {
    // Empty lists are the same as absent ones (Kong).
    const deny = config.deny != null && config.deny.length > 0 ? ipMatcher(config.deny) : null;
    const allow = config.allow != null && config.allow.length > 0 ? ipMatcher(config.allow) : null;
    const status = config.status ?? 403;
    return {
      access(kong) {
        // The client address after real-IP processing (trusted_ips), as nginx's $remote_addr in Kong.
        const ip = kong.client.get_forwarded_ip();
        if ((deny !== null && deny(ip)) || (allow !== null && !allow(ip))) {
          const message = config.message ?? `IP address not allowed: ${ip}`;
          kong.log.warn(message);
          kong.response.error(status, message);
        }
      },
    };
  },
});
