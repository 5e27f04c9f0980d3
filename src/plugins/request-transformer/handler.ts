import type { Pdk } from '../../pdk/kong.js';
import { definePlugin } from '../define.js';
import { compileRequestTransform, type RequestTransformConfig } from '../transform/request-transform.js';
import { schema } from './schema.js';

const MAX_ARGS = 1000;

export default definePlugin<RequestTransformConfig>({
  schema,
  create(config) {
    const transform = compileRequestTransform(config);

    function run(kong: Pdk, body: string | null): void {
      const headers = kong.request.get_headers(MAX_ARGS);
      const query = kong.request.get_query(MAX_ARGS);
      const changes = transform.apply({
        headers,
        query,
        body,
        env: { headers, query_params: query, uri_captures: kong.request.get_uri_captures(), shared: kong.ctx.shared },
      });
      const upstream = kong.service.request;
      if (changes.path !== undefined) upstream.set_path(changes.path);
      if (changes.method !== undefined) upstream.set_method(changes.method);
      for (const name of changes.clearHeaders) upstream.clear_header(name);
      for (const name of Object.keys(changes.setHeaders)) upstream.set_header(name, changes.setHeaders[name]);
      if (changes.body !== undefined) upstream.set_raw_body(changes.body);
      if (changes.query !== undefined) upstream.set_query(changes.query);
    }

    return {
      access(kong) {
        // Only a transform that reads the body waits for it; everything else stays synchronous.
        if (!transform.needsBody(kong.request.get_header('content-type'))) return run(kong, null);
        return kong.request.get_raw_body().then((raw) => run(kong, raw.toString('utf8')));
      },
    };
  },
});
