/**
 * ngx.* functions that are pure: time, base64, digests, URI escaping (lua-nginx-module's definitions). A Lua
 * string arrives as a JS string, or as a Buffer when it is not UTF-8; binary results go back as Buffers.
 */
import { createHash, createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { parseQuery } from '../../../pdk/request-body.js';

export type Bytes = string | Buffer;

const bytes = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v === undefined || v === null ? '' : String(v)));
const pad = (n: number) => String(n).padStart(2, '0');

function localParts(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const ngxTime = {
  time: (): number => Math.floor(Date.now() / 1000),
  /** Seconds with milliseconds, as ngx.now's cached time. */
  now: (): number => Math.floor(Date.now()) / 1000,
  today: (): string => localParts(new Date()),
  localtime: (): string => {
    const d = new Date();
    return `${localParts(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  },
  utctime: (): string => new Date().toISOString().slice(0, 19).replace('T', ' '),
  /** "Thu, 18 Nov 2010 11:27:35 GMT" */
  http_time: (sec: unknown): string => new Date(Number(sec) * 1000).toUTCString(),
  /** "Thu, 18-Nov-10 11:27:35 GMT" */
  cookie_time: (sec: unknown): string => {
    const d = new Date(Number(sec) * 1000);
    return `${WEEKDAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
  },
  parse_http_time: (s: unknown): number | null => {
    const t = Date.parse(String(s));
    return Number.isNaN(t) ? null : Math.floor(t / 1000);
  },
};

export const ngxCodec = {
  encode_base64: (s: unknown, noPadding: unknown): string => {
    const out = bytes(s).toString('base64');
    return noPadding === true ? out.replace(/=+$/, '') : out;
  },
  /** nil for anything that is not base64 (ngx.decode_base64). */
  decode_base64: (s: unknown): Buffer | null => {
    const str = String(Buffer.isBuffer(s) ? s.toString('latin1') : s);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(str) || str.replace(/=+$/, '').length % 4 === 1) return null;
    return Buffer.from(str, 'base64');
  },
  md5: (s: unknown): string => createHash('md5').update(bytes(s)).digest('hex'),
  md5_bin: (s: unknown): Buffer => createHash('md5').update(bytes(s)).digest(),
  sha1_bin: (s: unknown): Buffer => createHash('sha1').update(bytes(s)).digest(),
  hmac_sha1: (key: unknown, s: unknown): Buffer => createHmac('sha1', bytes(key)).update(bytes(s)).digest(),
  crc32_short: (s: unknown): number => crc32(bytes(s)),
  crc32_long: (s: unknown): number => crc32(bytes(s)),
  /** Type 2 (the default) escapes all but A-Z a-z 0-9 - . _ ~; type 0 leaves URI syntax characters as they are. */
  escape_uri: (s: unknown, type: unknown): string => {
    const str = String(s ?? '');
    const out = type === 0 ? encodeURI(str) : encodeURIComponent(str);
    return out.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  },
  /** `+` is a space and a broken escape is kept, as ngx.unescape_uri. */
  unescape_uri: (s: unknown): Buffer => {
    const src = bytes(s);
    const out = Buffer.alloc(src.length);
    let n = 0;
    for (let i = 0; i < src.length; i++) {
      const c = src[i]!;
      if (c === 0x2b) out[n++] = 0x20;
      else if (c === 0x25 && i + 2 < src.length + 0 && /^[0-9A-Fa-f]{2}$/.test(src.toString('latin1', i + 1, i + 3))) {
        out[n++] = parseInt(src.toString('latin1', i + 1, i + 3), 16);
        i += 2;
      } else out[n++] = c;
    }
    return out.subarray(0, n);
  },
  quote_sql_str: (s: unknown): string =>
    // eslint-disable-next-line no-control-regex -- MySQL's escapes include \0 and ^Z, as ngx.quote_sql_str's
    `'${String(s ?? '').replace(/[\0\b\n\r\t\x1a\\'"]/g, (c) => ({ '\0': '\\0', '\b': '\\b', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1a': '\\Z' })[c] ?? `\\${c}`)}'`,
  /** ngx.encode_args: `true` is a bare key, `false` is left out, a list repeats the key. */
  encode_args: (args: unknown): string => {
    if (args === null || typeof args !== 'object') throw new Error('bad argument #1 to \'encode_args\' (table expected)');
    const parts: string[] = [];
    for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
      for (const one of Array.isArray(v) ? v : [v]) {
        if (one === false || one === null || one === undefined) continue;
        const key = ngxCodec.escape_uri(k, 2);
        parts.push(one === true ? key : `${key}=${ngxCodec.escape_uri(String(one), 2)}`);
      }
    }
    return parts.join('&');
  },
  decode_args: (s: unknown, max: unknown): Record<string, string | string[] | true> =>
    parseQuery(String(s ?? ''), typeof max === 'number' && max > 0 ? max : 100),
};
