import { createHash, createHmac } from 'node:crypto';
import type { Pdk } from '../../pdk/kong.js';
import { type AuthFailure, authAccess, unauthorized } from '../auth/auth-flow.js';
import { sameSecret } from '../auth/constant-time.js';
import { hideHeader, setConsumer } from '../auth/consumer-headers.js';
import { hmacauthByUsername } from '../auth/credential-index.js';
import { definePlugin } from '../define.js';
import { type HmacAuthConfig, schema } from './schema.js';
import { type HmacParams, parseHmacParams } from './signature-params.js';
import { signingString } from './signing-string.js';

const HASH: Readonly<Record<string, string>> = {
  'hmac-sha1': 'sha1',
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Kong accepts the Date or X-Date header within clock_skew seconds of now. */
function dateWithinSkew(value: string | null, skew: number): boolean {
  if (value === null) return false;
  const at = Date.parse(value);
  return !Number.isNaN(at) && Math.abs(Math.floor(Date.now() / 1000) - Math.floor(at / 1000)) <= skew;
}

export default definePlugin<HmacAuthConfig>({
  schema,
  create(config, ctx) {
    const credentials = hmacauthByUsername(ctx.entities);
    const challenge = config.realm != null ? `hmac realm="${config.realm}"` : 'hmac';
    const missing = unauthorized('Unauthorized', challenge);
    const noDate = unauthorized(
      'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication',
      challenge,
    );
    const cannotVerify = unauthorized('HMAC signature cannot be verified', challenge);
    const mismatch = unauthorized('HMAC signature does not match', challenge);
    const algorithms = new Set<string>(config.algorithms);

    function acceptable(p: HmacParams): boolean {
      if (!config.enforce_headers.every((h) => p.headers.includes(h))) return false;
      return algorithms.has(p.algorithm);
    }

    async function bodyMatchesDigest(kong: Pdk): Promise<boolean> {
      const body = await kong.request.get_raw_body().catch(() => null);
      if (body === null) return false;
      const digest = kong.request.get_header('digest');
      if (digest === null) return body.length === 0; // no digest is fine only without a body
      const expected = `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
      return sameSecret(Buffer.from(expected), Buffer.from(digest));
    }

    function attempt(kong: Pdk): AuthFailure | null | Promise<AuthFailure | null> {
      const authorization = kong.request.get_header('authorization');
      const proxyAuthorization = kong.request.get_header('proxy-authorization');
      if (authorization === null && proxyAuthorization === null) return missing;
      if (!dateWithinSkew(kong.request.get_header('x-date'), config.clock_skew) && !dateWithinSkew(kong.request.get_header('date'), config.clock_skew)) {
        return noDate;
      }
      // Kong: Proxy-Authorization first, Authorization when that carries no username.
      let params = parseHmacParams(proxyAuthorization);
      if (params === null) {
        params = parseHmacParams(authorization);
        if (config.hide_credentials) hideHeader(kong, 'authorization');
      } else if (config.hide_credentials) hideHeader(kong, 'proxy-authorization');
      if (params === null || !acceptable(params)) return cannotVerify;
      const owned = credentials.get(params.username);
      if (owned === undefined || owned.credential.secret === null) return cannotVerify;

      const expected = createHmac(HASH[params.algorithm]!, owned.credential.secret).update(signingString(kong, params.headers)).digest();
      const given = BASE64.test(params.signature) ? Buffer.from(params.signature, 'base64') : Buffer.alloc(0);
      if (!sameSecret(expected, given)) return mismatch;

      const done = (): null => {
        setConsumer(kong, owned.consumer, owned.credential, owned.credential.username);
        return null;
      };
      if (!config.validate_request_body) return done();
      return bodyMatchesDigest(kong).then((ok) => (ok ? done() : mismatch));
    }

    return { access: authAccess({ anonymous: config.anonymous, entities: ctx.entities, answer: 'error' }, attempt) };
  },
});
