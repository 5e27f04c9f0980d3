import type { Pdk } from '../../pdk/kong.js';
import { definePlugin } from '../define.js';
import { schema } from './schema.js';

interface Config {
  status_code: number;
  message: string | null;
  body: string | null;
  content_type: string | null;
  trigger: string | null;
  echo: boolean;
}

// Kong's request-termination keeps its own short table of default messages.
const DEFAULT_RESPONSE: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  500: 'An unexpected error occurred',
  502: 'Bad Gateway',
  503: 'Service unavailable',
};

export default definePlugin<Config>({
  schema,
  create(config) {
    const status = config.status_code;
    const message = config.message ?? DEFAULT_RESPONSE[status] ?? null;
    const fixedBody = message !== null ? { message } : null;
    const headers = config.body != null && config.content_type ? { 'Content-Type': config.content_type } : undefined;
    const trigger = config.trigger?.toLowerCase() ?? null;
    return {
      access(kong) {
        if (trigger !== null) {
          // Kong: with a trigger, terminate only when it is present as a header or a query argument.
          if (kong.request.get_header(trigger) === null && kong.request.get_query()[config.trigger!] === undefined) return;
        }
        if (config.echo) return echo(kong);
        if (config.body != null) {
          kong.response.exit(status, config.body, headers);
          return;
        }
        kong.response.exit(status, fixedBody);
      },
    };

    // Only echo needs the body, so only echo waits for it.
    async function echo(kong: Pdk): Promise<void> {
          const [body] = await kong.request.get_body().catch(() => [null] as const);
          const raw = await kong.request.get_raw_body().catch(() => Buffer.alloc(0));
          kong.response.exit(status, {
            message,
            kong: { node_id: kong.node.get_id(), worker_pid: process.pid, hostname: kong.node.get_hostname() },
            request: {
              scheme: kong.request.get_scheme(),
              host: kong.request.get_host(),
              port: kong.request.get_port(),
              headers: kong.request.get_headers(),
              query: kong.request.get_query(),
              body,
              raw_body: raw.toString('utf8'),
              method: kong.request.get_method(),
              path: kong.request.get_path(),
              uri_captures: kong.request.get_uri_captures(),
            },
            // Kong echoes the entities whole.
            matched_route: kong.router.get_route(),
            matched_service: kong.router.get_service(),
          });
    }
  },
});

