import type { Pdk } from '../../pdk/kong.js';
import { type AuthFailure, authAccess, unauthorized } from '../auth/auth-flow.js';
import { hideHeader, setConsumer } from '../auth/consumer-headers.js';
import { keyauthByKey } from '../auth/credential-index.js';
import { definePlugin } from '../define.js';
import { bodyArgs, findKey, type KeySources } from './find-key.js';
import { type KeyAuthConfig, schema } from './schema.js';

export default definePlugin<KeyAuthConfig>({
  schema,
  create(config, ctx) {
    const keys = keyauthByKey(ctx.entities);
    const challenge = config.realm != null ? `Key realm="${config.realm}"` : 'Key';
    const noKey = unauthorized('No API key found in request', challenge);
    const duplicate = unauthorized('Duplicate API key found', challenge);
    const invalid = unauthorized('Unauthorized', challenge);
    const sources: KeySources = { names: config.key_names, inHeader: config.key_in_header, inQuery: config.key_in_query };

    function check(kong: Pdk, body: Record<string, unknown> | null): AuthFailure | null {
      const found = findKey(kong, sources, body);
      if (found.kind === 'duplicate') return duplicate;
      if (found.kind === 'none' || found.key === '') return noKey;
      if (config.hide_credentials) hide(kong, found.name, body);
      const owned = keys.get(found.key);
      if (owned === undefined) return invalid;
      setConsumer(kong, owned.consumer, owned.credential, owned.credential.id);
      return null;
    }

    function hide(kong: Pdk, name: string, body: Record<string, unknown> | null): void {
      if (kong.router.get_service() === null) return;
      kong.service.request.clear_query_arg(name);
      hideHeader(kong, name);
      if (body !== null) {
        const { [name]: _removed, ...rest } = body;
        kong.service.request.set_body(rest);
      }
    }

    // Only a body-reading configuration waits for the body; the usual header/query case stays synchronous.
    const attempt = config.key_in_body
      ? async (kong: Pdk) => check(kong, await bodyArgs(kong))
      : (kong: Pdk) => check(kong, null);
    const access = authAccess({ anonymous: config.anonymous, entities: ctx.entities, answer: 'error' }, attempt);

    return {
      access(kong) {
        // Kong: preflight requests may be let through before any authentication.
        if (!config.run_on_preflight && kong.request.get_method() === 'OPTIONS') return;
        return access(kong);
      },
    };
  },
});
