import type { Pdk } from '../../pdk/kong.js';
import { type AuthFailure, authAccess } from '../auth/auth-flow.js';
import { setConsumer } from '../auth/consumer-headers.js';
import { definePlugin } from '../define.js';
import { decodeToken } from './decode-token.js';
import { findTokens, type TokenSources } from './find-tokens.js';
import { exceedsMaximum, verifyClaims } from './registered-claims.js';
import { type JwtConfig, schema } from './schema.js';
import { jwtByKey } from './secret-index.js';
import { ALGORITHMS, verifySignature } from './verify-signature.js';

export default definePlugin<JwtConfig>({
  schema,
  create(config, ctx) {
    const keys = jwtByKey(ctx.entities);
    const claimName = config.key_claim_name;
    const base = config.realm != null ? `Bearer realm="${config.realm}"` : 'Bearer';
    const withError = config.realm != null ? `${base}, error="invalid_token"` : 'Bearer error="invalid_token"';
    const fail = (message: string | null, errors?: Record<string, string>): AuthFailure =>
      errors === undefined ? { status: 401, message, wwwAuthenticate: withError } : { status: 401, message, wwwAuthenticate: withError, errors };
    const noToken: AuthFailure = { status: 401, message: 'Unauthorized', wwwAuthenticate: base };
    const sources: TokenSources = {
      uriParamNames: config.uri_param_names,
      cookieNames: config.cookie_names,
      headerNames: config.header_names,
    };
    const claimsToVerify = config.claims_to_verify ?? [];

    function attempt(kong: Pdk): AuthFailure | null {
      const tokens = findTokens(kong, sources);
      if (tokens.size === 0) return noToken;
      if (tokens.size > 1) return fail('Multiple tokens provided');
      const token = tokens.values().next().value!;
      if (token === true) return fail('Unrecognizable token');

      const jwt = decodeToken(token, ALGORITHMS);
      if (typeof jwt === 'string') return fail(`Bad token; ${jwt}`);
      // Kong looks for the key in the claims first, then in the header.
      const keyValue = jwt.claims[claimName] ?? jwt.header[claimName];
      if (keyValue === undefined || keyValue === false) return fail(`No mandatory '${claimName}' in claims`);
      if (keyValue === '') return fail(`Invalid '${claimName}' in claims`);
      const key = typeof keyValue === 'string' ? keys.get(keyValue) : undefined;
      if (key === undefined) return fail(`No credentials found for given '${claimName}'`);

      const algorithm = key.credential.algorithm;
      if (jwt.header.alg !== algorithm) return fail('Invalid algorithm');
      const verifyWith = algorithm.startsWith('HS') ? (config.secret_is_base64 ? key.decodedSecret : key.secret) : key.publicKey;
      if (verifyWith === null) return fail('Invalid key/secret');
      if (!verifySignature(algorithm, jwt.signingInput, jwt.signature, verifyWith)) return fail('Invalid signature');

      const now = Math.floor(Date.now() / 1000);
      const claimErrors = verifyClaims(jwt.claims, claimsToVerify, now) ?? exceedsMaximum(jwt.claims, config.maximum_expiration, now);
      if (claimErrors !== null) return fail(null, claimErrors);

      setConsumer(kong, key.consumer, key.credential, key.credential.key);
      kong.ctx.shared.authenticated_jwt_token = token;
      return null;
    }

    const access = authAccess({ anonymous: config.anonymous, entities: ctx.entities, answer: 'exit' }, attempt);
    return {
      access(kong) {
        if (!config.run_on_preflight && kong.request.get_method() === 'OPTIONS') return;
        return access(kong);
      },
    };
  },
});
