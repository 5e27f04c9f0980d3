/**
 * The one definition of what sluice treats as secret. The Admin API redacts these fields, logs redact fields
 * named like them, and config errors bound for logs or the Admin API have these fields' values cut out
 * (src/config/secret-values.ts). Kong marks most of them `encrypted = true` in its schemas (certificate keys,
 * key material, basic-auth passwords, the Redis password); sluice adds the credential secrets Kong leaves
 * plain (key-auth keys, jwt and hmac secrets), which its Admin API redacts by default.
 */
import type { EntityName } from '../schema/index.js';

export interface SecretField {
  /** Where the value sits: inside the entity record, or (for plugins) inside its `config`. */
  readonly path: readonly string[];
  /** Stored as a one-way hash (basic-auth: sha1 of password + consumer id): the Admin API shows it, as Kong does. */
  readonly hashed?: true;
  /** A JWK as a JSON string: its private members are secret, the public ones are not (RFC 7518 §6). */
  readonly jwk?: true;
}

export const ENTITY_SECRETS: Readonly<Partial<Record<EntityName, readonly SecretField[]>>> = {
  certificates: [{ path: ['key'] }, { path: ['key_alt'] }],
  keys: [{ path: ['jwk'], jwk: true }, { path: ['pem', 'private_key'] }],
  keyauth_credentials: [{ path: ['key'] }],
  basicauth_credentials: [{ path: ['password'], hashed: true }],
  jwt_secrets: [{ path: ['secret'] }],
  hmacauth_credentials: [{ path: ['secret'] }],
};

/** Plugin config fields, by plugin name (kong/tools/redis/schema.lua: `password` is encrypted). */
export const PLUGIN_SECRETS: Readonly<Record<string, readonly SecretField[]>> = {
  'rate-limiting': [{ path: ['redis', 'password'] }, { path: ['redis_password'] }],
};

/** The private members of a JWK (RFC 7518 §6.2.2 for RSA, §6.2.1 for EC/OKP `d`, §6.4 for `oct` `k`). */
export const JWK_PRIVATE_MEMBERS: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Log fields may also carry what a request sent (headers, tokens): names containing one of these words are
 * secret wherever they appear, on top of the config field names above.
 */
const SECRET_WORDS = ['password', 'secret', 'token', 'credential', 'authorization', 'private_key', 'apikey', 'api_key', 'api-key', 'cert_key'];

/** The last segment of every secret field: `key`, `key_alt`, `jwk`, `private_key`, `password`, `secret`, … */
const FIELD_NAMES = [
  ...new Set([...Object.values(ENTITY_SECRETS), ...Object.values(PLUGIN_SECRETS)].flatMap((fs) => (fs ?? []).map((f) => f.path.at(-1)!))),
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const SECRET_NAME = new RegExp(`^(?:${FIELD_NAMES.map(escape).join('|')})$|${SECRET_WORDS.map(escape).join('|')}`, 'i');

/** Whether a field of that name holds a secret (log fields at any depth). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
