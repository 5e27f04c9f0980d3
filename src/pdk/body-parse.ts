import { parseQuery } from './request-body.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const MULTIPART = 'multipart/form-data';

/** [body, err, mimetype], as Kong's kong.request.get_body and kong.service.response.get_body return. */
export type ParsedBody = [body: unknown, err: string | null, mimetype: string | null];

/** Kong's max_args checks (MIN_POST_ARGS 1, MAX_POST_ARGS 1000; default 100). */
export function checkMaxArgs(maxArgs: unknown): number {
  if (maxArgs === undefined || maxArgs === null) return 100;
  if (typeof maxArgs !== 'number') throw new Error('max_args must be a number');
  if (maxArgs < 1) throw new Error('max_args must be >= 1');
  if (maxArgs > 1000) throw new Error('max_args must be <= 1000');
  return maxArgs;
}

/**
 * A body parsed by its content type the way Kong's PDK does: form-urlencoded, JSON (an object or array, else
 * "invalid json body") and multipart/form-data; anything else is "unsupported content type '…'".
 */
export function parseBody(raw: Buffer, contentType: string | null, maxArgs: number): ParsedBody {
  if (contentType === null) return [null, 'missing content type', null];
  let type = contentType.toLowerCase();
  const semi = type.indexOf(';');
  if (semi >= 0) type = type.slice(0, semi);
  type = type.trim();
  if (type.startsWith(FORM)) return [parseQuery(raw.toString('utf8'), maxArgs), null, FORM];
  if (type.startsWith(JSON_TYPE)) {
    try {
      const v: unknown = JSON.parse(raw.toString('utf8'));
      if (v !== null && typeof v === 'object') return [v, null, JSON_TYPE];
    } catch {
      // falls through to Kong's message
    }
    return [null, 'invalid json body', JSON_TYPE];
  }
  if (type.startsWith(MULTIPART)) {
    const parts = parseMultipart(raw, contentType);
    return parts === null ? [null, 'unable to decode multipart body', MULTIPART] : [parts, null, MULTIPART];
  }
  return [null, `unsupported content type '${contentType}'`, type];
}

/** multipart/form-data → { name: value } with repeated names as arrays (Kong: multipart's get_all_with_arrays). */
function parseMultipart(raw: Buffer, contentType: string): Record<string, string | string[]> | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (boundary === undefined) return null;
  const text = raw.toString('latin1');
  const delimiter = `--${boundary}`;
  const out = Object.create(null) as Record<string, string | string[]>; // a field named `__proto__` is a field
  let at = text.indexOf(delimiter);
  if (at < 0) return null;
  while (true) {
    at += delimiter.length;
    if (text.startsWith('--', at)) return out; // closing delimiter
    const next = text.indexOf(`\r\n${delimiter}`, at);
    if (next < 0) return null;
    const part = text.slice(text.startsWith('\r\n', at) ? at + 2 : at, next);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return null;
    const name = /content-disposition:[^\r\n]*?\bname="([^"]*)"/i.exec(part.slice(0, split))?.[1];
    if (name !== undefined) {
      const value = Buffer.from(part.slice(split + 4), 'latin1').toString('utf8');
      const prev = out[name];
      out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    at = next + 2;
  }
}
