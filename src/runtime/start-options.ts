/** `sluice start`'s options as commander hands them over (flags, env, defaults), before the gateway parses them. */
export interface StartOptions {
  conf: string;
  proxyListen: string;
  proxySslListen: string;
  sslCert?: string;
  sslCertKey?: string;
  adminListen: string;
  watch: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'json' | 'pretty' | 'auto';
  engine: 'http-proxy' | 'undici';
  trustedIps: string;
  headers: string;
  adminToken?: string;
  adminExposeSecrets?: boolean;
  adminSocket?: string;
  drainTimeout: string;
}
