import { createHash } from 'node:crypto';
import type { Pdk } from '../../pdk/kong.js';
import type { BasicauthCredential } from '../../schema/index.js';
import { type AuthFailure, authAccess, unauthorized } from '../auth/auth-flow.js';
import { sameSecret } from '../auth/constant-time.js';
import { hideHeader, setConsumer } from '../auth/consumer-headers.js';
import { basicauthByUsername, type Owned } from '../auth/credential-index.js';
import { definePlugin } from '../define.js';
import { parseBasic } from './parse-basic.js';
import { type BasicAuthConfig, schema } from './schema.js';

/** Kong stores sha1(password .. consumer_id) as hex (the loader hashes plain passwords from kong.yaml). */
function passwordMatches(owned: Owned<BasicauthCredential>, given: Buffer): boolean {
  const digest = createHash('sha1').update(given).update(owned.consumer.id).digest('hex');
  return sameSecret(Buffer.from(digest), Buffer.from(owned.credential.password));
}

export default definePlugin<BasicAuthConfig>({
  schema,
  create(config, ctx) {
    const credentials = basicauthByUsername(ctx.entities);
    const failed = unauthorized('Unauthorized', `Basic realm="${config.realm}"`);

    /** One header's pair, and its credential when the username is known; the header is hidden if asked. */
    function fromHeader(kong: Pdk, name: string, value: string | null) {
      const pair = parseBasic(value);
      if (config.hide_credentials) hideHeader(kong, name);
      return { pair, owned: pair === null ? undefined : credentials.get(pair.username) };
    }

    function attempt(kong: Pdk): AuthFailure | null {
      const authorization = kong.request.get_header('authorization');
      const proxyAuthorization = kong.request.get_header('proxy-authorization');
      if (authorization === null && proxyAuthorization === null) return failed;
      // Kong: Proxy-Authorization first; Authorization only when that names no known user.
      let { pair, owned } = fromHeader(kong, 'proxy-authorization', proxyAuthorization);
      if (owned === undefined) {
        ({ pair, owned } = fromHeader(kong, 'authorization', authorization));
        if (pair === null) return failed;
      }
      if (owned === undefined || !passwordMatches(owned, pair!.password)) return failed;
      setConsumer(kong, owned.consumer, owned.credential, owned.credential.username);
      return null;
    }

    return { access: authAccess({ anonymous: config.anonymous, entities: ctx.entities, answer: 'error' }, attempt) };
  },
});
