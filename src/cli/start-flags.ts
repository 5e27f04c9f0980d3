import { parseHeaders, parseTrustedIps } from '../proxy/settings.js';
import type { GatewayOptions } from '../runtime/gateway.js';
import { booleanEnv, listenAddress, listenOrOff, milliseconds, UsageError } from './flag-values.js';

/** What `sluice start` hands the runtime, before the logger exists. */
export type StartOptions = Omit<GatewayOptions, 'logger'>;

/** `sluice start`'s options as commander hands them over: flag, else environment, else default; all text. */
export interface StartFlags {
  conf: string;
  proxyListen: string;
  proxySslListen: string;
  sslCert?: string;
  sslCertKey?: string;
  adminListen: string;
  adminSocket?: string;
  adminToken?: string;
  adminExposeSecrets?: boolean;
  statusListen: string;
  watch: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'json' | 'pretty' | 'auto';
  engine: 'http-proxy' | 'undici';
  headers: string;
  trustedIps: string;
  drainTimeout: string;
}

/** Where each option's value came from, so an error names what the user wrote (a flag or a variable). */
export interface FlagOrigin {
  /** `--drain-timeout`, or `SLUICE_DRAIN_TIMEOUT` when the value came from the environment. */
  name(key: keyof StartFlags): string;
  /** True when the flag itself was on the command line (it beats the environment). */
  given(key: keyof StartFlags): boolean;
}

/**
 * Switches without a value, whose environment variable commander would read as "set" whatever it holds; they are
 * read here so `SLUICE_WATCH=off` and `SLUICE_ADMIN_EXPOSE_SECRETS=false` mean what they say.
 */
export const BOOLEAN_ENV = { watch: 'SLUICE_WATCH', adminExposeSecrets: 'SLUICE_ADMIN_EXPOSE_SECRETS' } as const;

function switchValue(
  key: keyof typeof BOOLEAN_ENV,
  flags: StartFlags,
  origin: FlagOrigin,
  env: NodeJS.ProcessEnv,
  fallback: boolean,
): boolean {
  if (origin.given(key)) return flags[key] === true;
  const text = env[BOOLEAN_ENV[key]];
  return text === undefined ? fallback : booleanEnv(BOOLEAN_ENV[key], text);
}

/** Every value checked before anything starts: a bad one throws UsageError (exit 2), never a half-started gateway. */
export function gatewayOptions(flags: StartFlags, origin: FlagOrigin, env: NodeJS.ProcessEnv): StartOptions {
  const parsed = <T>(key: keyof StartFlags, parse: (text: string) => T): T => {
    try {
      return parse(String(flags[key]));
    } catch (err) {
      // The parsers label their messages with Kong's setting name (`headers: …`); name what the user wrote instead.
      throw new UsageError(`${origin.name(key)}: ${(err as Error).message.replace(/^[a-z_]+: /, '')}`);
    }
  };
  listenAddress(origin.name('proxyListen'), flags.proxyListen);
  listenOrOff(origin.name('proxySslListen'), flags.proxySslListen);
  listenOrOff(origin.name('adminListen'), flags.adminListen);
  listenOrOff(origin.name('statusListen'), flags.statusListen);
  // Kong's ssl_cert/ssl_cert_key come as a pair.
  if ((flags.sslCert === undefined) !== (flags.sslCertKey === undefined)) {
    throw new UsageError(`${origin.name('sslCert')} and ${origin.name('sslCertKey')} must be given together`);
  }
  return {
    conf: flags.conf,
    proxyListen: flags.proxyListen,
    proxySslListen: flags.proxySslListen,
    sslCert: flags.sslCert,
    sslCertKey: flags.sslCertKey,
    adminListen: flags.adminListen,
    adminSocket: flags.adminSocket,
    adminToken: flags.adminToken,
    adminExposeSecrets: switchValue('adminExposeSecrets', flags, origin, env, false),
    statusListen: flags.statusListen,
    watch: switchValue('watch', flags, origin, env, true),
    engine: flags.engine,
    settings: { trustedIps: parsed('trustedIps', parseTrustedIps), ...parsed('headers', parseHeaders) },
    drainTimeoutMs: milliseconds(origin.name('drainTimeout'), flags.drainTimeout),
  };
}

/**
 * gatewayOptions, or null once a usage error is printed. Checked before the runtime is even loaded, so a typo
 * costs a fraction of a start.
 */
export function checkedOptions(flags: StartFlags, origin: FlagOrigin, env: NodeJS.ProcessEnv): StartOptions | null {
  try {
    return gatewayOptions(flags, origin, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`sluice start: ${err.message}\n(run with --help for usage)\n`);
    return null;
  }
}
