import type { Pdk } from '../../pdk/kong.js';
import { definePlugin } from '../define.js';
import { originResolver } from './origins.js';
import { METHODS, schema } from './schema.js';

interface Config {
  origins?: string[] | null;
  headers?: string[] | null;
  exposed_headers?: string[] | null;
  methods?: string[] | null;
  max_age?: number | null;
  credentials: boolean;
  private_network: boolean;
  preflight_continue: boolean;
  allow_origin_absent: boolean;
}

export default definePlugin<Config>({
  schema,
  create(config) {
    const resolve = originResolver(config.origins);
    const allowHeaders = config.headers != null && config.headers.length > 0 ? config.headers.join(',') : null;
    const allowMethods = (config.methods ?? METHODS).join(',');
    const exposed = config.exposed_headers != null && config.exposed_headers.length > 0 ? config.exposed_headers.join(',') : null;
    const maxAge = config.max_age != null ? String(config.max_age) : null;

    return {
      access(kong) {
        const origin = kong.request.get_header('origin');
        if (kong.request.get_method() !== 'OPTIONS' || !origin || kong.request.get_header('access-control-request-method') === null) {
          return;
        }
        // A preflight: either the upstream answers it, or we do here; either way header_filter adds nothing.
        kong.ctx.plugin.preflight = true;
        if (config.preflight_continue) return;
        const headers: Record<string, string> = {};
        const answer = resolve(origin);
        if (answer.vary) headers.Vary = 'Origin';
        if (answer.allowOrigin !== null) headers['Access-Control-Allow-Origin'] = answer.allowOrigin;
        if (config.credentials) {
          if (!answer.allowAll) headers['Access-Control-Allow-Credentials'] = 'true';
          else {
            // `*` cannot go with credentials: echo the origin instead.
            headers.Vary = 'Origin';
            headers['Access-Control-Allow-Origin'] = origin;
            headers['Access-Control-Allow-Credentials'] = 'true';
          }
        }
        const requested = kong.request.get_header('access-control-request-headers');
        const h = allowHeaders ?? requested;
        if (h !== null) headers['Access-Control-Allow-Headers'] = h;
        headers['Access-Control-Allow-Methods'] = allowMethods;
        if (maxAge !== null) headers['Access-Control-Max-Age'] = maxAge;
        if (config.private_network && kong.request.get_header('access-control-request-private-network') === 'true') {
          headers['Access-Control-Allow-Private-Network'] = 'true';
        }
        kong.response.exit(200, undefined, headers);
      },

      header_filter(kong) {
        if (kong.ctx.plugin.preflight === true) return;
        const origin = kong.request.get_header('origin');
        const provided = origin !== null && origin !== '';
        if (!provided && !config.allow_origin_absent) return;
        const answer = resolve(origin);
        applyOrigin(kong, answer.allowOrigin, answer.vary);
        if (config.credentials) {
          if (!answer.allowAll) kong.response.set_header('Access-Control-Allow-Credentials', 'true');
          else if (provided) {
            kong.response.add_header('Vary', 'Origin');
            kong.response.set_header('Access-Control-Allow-Origin', origin);
            kong.response.set_header('Access-Control-Allow-Credentials', 'true');
          }
        }
        if (exposed !== null) kong.response.set_header('Access-Control-Expose-Headers', exposed);
      },
    };
  },
});

function applyOrigin(kong: Pdk, allowOrigin: string | null, vary: boolean): void {
  // On a response, Vary is added to whatever the upstream varies on.
  if (vary) kong.response.add_header('Vary', 'Origin');
  if (allowOrigin !== null) kong.response.set_header('Access-Control-Allow-Origin', allowOrigin);
  else kong.response.clear_header('Access-Control-Allow-Origin');
}
