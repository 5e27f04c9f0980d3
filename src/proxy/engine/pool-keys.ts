import type { UpstreamRequest } from '../../http/engine.js';
import { poolDepth } from './verify-depth.js';

/**
 * Names for upstream connection pools. undici's connect options (timeout, TLS trust and client certificate) are
 * per agent, so requests that differ in them need different agents; the name says which. PEM strings and CA
 * lists stand in it as short ids, so naming a pool never hashes kilobytes of PEM per request.
 *
 * One per engine, bounded: PEM ids are kept for at most `maxPems` distinct PEM texts (plugins may hand new ones
 * per request with kong.service.set_tls_*), then the table starts over. Ids are never reused, so starting over
 * can only give known material a new pool, never a wrong one. CA lists are named by their PEMs' ids (so a new
 * list with the same certificates shares the pool), cached by the list's identity for as long as it lives.
 */
export class PoolKeys {
  readonly #pemIds = new Map<string, number>();
  readonly #listKeys = new WeakMap<readonly string[], string>();
  readonly #maxPems: number;
  #nextId = 1;

  constructor(maxPems = 256) {
    this.#maxPems = maxPems;
  }

  /** How many PEM texts have an id now (tests). */
  get pems(): number {
    return this.#pemIds.size;
  }

  key(up: UpstreamRequest): string {
    const t = up.tls;
    if (up.protocol === 'http' || t === undefined) return `${up.protocol}|${up.connectTimeout}`;
    let key = `https|${up.connectTimeout}|${t.rejectUnauthorized ? 1 : 0}|${t.verifyDepth === undefined ? '' : poolDepth(t.verifyDepth)}`;
    if (t.ca !== undefined || t.cert !== undefined || t.key !== undefined) {
      key += `|${this.#listKey(t.ca)}|${this.#pemId(t.cert)}|${this.#pemId(t.key)}`;
    }
    return key;
  }

  #pemId(pem: string | undefined): number {
    if (pem === undefined) return 0;
    let id = this.#pemIds.get(pem);
    if (id === undefined) {
      if (this.#pemIds.size >= this.#maxPems) this.#pemIds.clear();
      this.#pemIds.set(pem, (id = this.#nextId++));
    }
    return id;
  }

  #listKey(list: readonly string[] | undefined): string {
    if (list === undefined) return '';
    let key = this.#listKeys.get(list);
    if (key === undefined) {
      key = list.map((pem) => this.#pemId(pem)).join(',');
      this.#listKeys.set(list, key);
    }
    return key;
  }
}
