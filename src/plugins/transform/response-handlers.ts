import { gunzipSync, gzipSync } from 'node:zlib';
import type { Pdk } from '../../pdk/kong.js';
import type { PluginHandlers } from '../define.js';
import type { HeaderBag, HeaderTransform } from './header-transform.js';
import type { ResponseBodyPlan } from './json-transform.js';

/** Most headers a response may carry into the transform (the PDK's get_headers default is 100). */
const MAX_HEADERS = 1000;

/**
 * The phase handlers both response transformers share: thin adapters from the PDK to the pure transforms.
 * `gzip`: decompress a gzip-encoded body, transform it and compress it again (the advanced plugin does).
 */
export function responseHandlers(headers: HeaderTransform, body: ResponseBodyPlan, gzip: boolean): PluginHandlers {
  return {
    header_filter(kong) {
      const status = kong.response.get_status();
      const before = kong.response.get_headers(MAX_HEADERS);
      const after = headers(status, before);
      if (after !== null) applyHeaders(kong, before, after);
      // Kong: the body is about to change size, so the upstream's Content-Length cannot stay.
      if (body.mayChange(status, kong.response.get_header('content-type'))) kong.response.clear_header('content-length');
    },
    body_filter(kong) {
      const status = kong.response.get_status();
      const contentType = kong.response.get_header('content-type');
      if (!body.mayChange(status, contentType)) return;
      const raw = kong.response.get_raw_body();
      const zipped = gzip && /\bgzip\b/i.test(kong.response.get_header('content-encoding') ?? '');
      let text: string;
      try {
        text = (zipped ? gunzipSync(raw) : raw).toString('utf8');
      } catch {
        return; // not really gzip: pass it through untouched
      }
      const out = body.apply(status, contentType, text);
      if (out !== null) kong.response.set_raw_body(zipped ? gzipSync(out) : out);
    },
  };
}

function applyHeaders(kong: Pdk, before: HeaderBag, after: Readonly<Record<string, string | string[]>>): void {
  for (const name of Object.keys(before)) if (after[name] === undefined) kong.response.clear_header(name);
  for (const name of Object.keys(after)) {
    const value = after[name]!;
    if (!sameValue(before[name], value)) kong.response.set_header(name, value);
  }
}

function sameValue(a: string | readonly string[] | undefined, b: string | readonly string[]): boolean {
  if (a === undefined) return false;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
