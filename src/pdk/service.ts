import { ENV, enter, Namespace, STATE } from './namespace.js';
import { rules } from './phase-rules.js';
import { PdkServiceRequest } from './service-request.js';
import { PdkServiceResponse } from './service-response.js';
import { setRetries, setTimeouts, setTlsCertKey, setTlsVerify, setTlsVerifyDepth, setTlsVerifyStore } from './upstream-edits.js';

const R = rules('kong.service');

type Ok = [ok: true, err: null];
type Err = [ok: null, err: string];
const OK: Ok = Object.freeze([true, null]) as Ok;

// Kong: retries 0..32767, timeouts 1..2147483646 ms (kong/pdk/service.lua).
const MAX_RETRIES = 32767;
const MAX_TIMEOUT = 2147483646;

/**
 * kong.service: where and how the upstream request goes. Functions that return `ok, err` in Lua return an
 * `[ok, err]` pair; argument errors throw with Kong's messages. The set_tls_* functions take PEM strings where
 * Kong takes parsed cdata (there is no ngx.ssl here).
 */
export class PdkService extends Namespace {
  #request: PdkServiceRequest | null = null;
  #response: PdkServiceResponse | null = null;

  /** kong.service.request, made on first use. */
  get request(): PdkServiceRequest {
    return (this.#request ??= new PdkServiceRequest(this[STATE], this[ENV]));
  }

  /** kong.service.response, made on first use. */
  get response(): PdkServiceResponse {
    return (this.#response ??= new PdkServiceResponse(this[STATE], this[ENV]));
  }

  set_upstream(host: string): Ok | Err {
    const s = enter(this, R.set_upstream);
    if (typeof host !== 'string') throw new Error('host must be a string');
    if (!this[ENV].plan.balancers.has(host)) return [null, `could not find an Upstream named '${host}'`];
    s.upstreamName = host;
    s.target = null;
    return OK;
  }

  /** Connect there directly: balancing, retries and health checks are skipped for this request (Kong). */
  set_target(host: string, port: number): void {
    const s = enter(this, R.set_target);
    if (typeof host !== 'string') throw new Error('host must be a string');
    if (typeof port !== 'number' || !Number.isInteger(port)) throw new Error('port must be an integer');
    if (port < 0 || port > 65535) throw new Error(`port must be an integer between 0 and 65535: given ${port}`);
    s.target = { host, port };
    s.upstreamName = null;
  }

  set_retries(retries: number): void {
    const s = enter(this, R.set_retries);
    if (typeof retries !== 'number' || !Number.isInteger(retries)) throw new Error('retries must be an integer');
    if (retries < 0 || retries > MAX_RETRIES) throw new Error(`retries must be an integer between 0 and ${MAX_RETRIES}: given ${retries}`);
    s.editUpstream(setRetries, retries);
  }

  /** Milliseconds, as Kong's connect_timeout, write_timeout, read_timeout. */
  set_timeouts(connect: number, write: number, read: number): void {
    const s = enter(this, R.set_timeouts);
    checkTimeout('connect_timeout', connect);
    checkTimeout('write_timeout', write);
    checkTimeout('read_timeout', read);
    s.editUpstream(setTimeouts, [connect, write, read] as const);
  }

  set_tls_verify(on: boolean): Ok | Err {
    const s = enter(this, R.set_tls_verify);
    if (typeof on !== 'boolean') throw new Error('argument must be a boolean');
    s.editUpstream(setTlsVerify, on);
    return OK;
  }

  set_tls_verify_depth(depth: number): Ok | Err {
    const s = enter(this, R.set_tls_verify_depth);
    if (typeof depth !== 'number') throw new Error('argument must be a number');
    if (!Number.isInteger(depth) || depth < 0) return [null, 'depth must be a non-negative integer'];
    s.editUpstream(setTlsVerifyDepth, depth);
    return OK;
  }

  /** PEM CA certificates (one string or a list) in place of Kong's resty.openssl.x509.store. */
  set_tls_verify_store(store: string[] | string): Ok | Err {
    const s = enter(this, R.set_tls_verify_store);
    const list = Array.isArray(store) ? store : [store];
    if (list.length === 0 || list.some((c) => typeof c !== 'string' || !c.includes('BEGIN CERTIFICATE'))) {
      throw new Error('argument must be PEM certificates (a string or an array of strings)');
    }
    s.editUpstream(setTlsVerifyStore, list);
    return OK;
  }

  /** A PEM certificate chain and its private key, in place of Kong's parsed cdata. */
  set_tls_cert_key(chain: string, key: string): Ok | Err {
    const s = enter(this, R.set_tls_cert_key);
    if (typeof chain !== 'string' || !chain.includes('BEGIN CERTIFICATE')) throw new Error('chain must be a PEM certificate chain');
    if (typeof key !== 'string' || !key.includes('PRIVATE KEY')) throw new Error('key must be a PEM private key');
    s.editUpstream(setTlsCertKey, [chain, key] as const);
    return OK;
  }
}

function checkTimeout(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${name} must be an integer`);
  if (v < 1 || v > MAX_TIMEOUT) throw new Error(`${name} must be an integer between 1 and ${MAX_TIMEOUT}: given ${v}`);
}
