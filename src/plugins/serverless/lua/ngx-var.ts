/**
 * ngx.var: nginx's variables as Kong snippets read them, each answered by the PDK (strings, as nginx's are;
 * nil when unset). Writable: upstream_uri (the path sent upstream, Kong's $upstream_uri) and args.
 */
import type { Pdk } from '../../../pdk/kong.js';
import { STATE } from '../../../pdk/namespace.js';

type Getter = (kong: Pdk) => string | null | undefined;

const RESPONSE_PHASES = new Set(['header_filter', 'body_filter', 'log']);

function query(kong: Pdk): string | null {
  const q = kong.request.get_path_with_query();
  const i = q.indexOf('?');
  return i < 0 ? null : q.slice(i + 1);
}

const VARS: Readonly<Record<string, Getter>> = {
  remote_addr: (k) => k.client.get_ip(),
  realip_remote_addr: (k) => k.client.get_ip(),
  remote_port: (k) => String(k.client.get_port()),
  server_port: (k) => String(k.request.get_port()),
  scheme: (k) => k.request.get_scheme(),
  https: (k) => (k.request.get_scheme() === 'https' ? 'on' : ''),
  host: (k) => k.request.get_host(),
  request_method: (k) => k.request.get_method(),
  request_uri: (k) => k.request.get_path_with_query(),
  uri: (k) => k.request.get_path(),
  document_uri: (k) => k.request.get_path(),
  args: query,
  query_string: query,
  is_args: (k) => (query(k) === null ? '' : '?'),
  server_protocol: (k) => `HTTP/${k.request.get_http_version().toFixed(1)}`,
  request_time: (k) => ((Date.now() - k.request.get_start_time()) / 1000).toFixed(3),
  msec: () => (Date.now() / 1000).toFixed(3),
  content_type: (k) => k.request.get_header('content-type'),
  content_length: (k) => k.request.get_header('content-length'),
  status: (k) => (RESPONSE_PHASES.has(k.phase) ? String(k.response.get_status()) : '000'),
  upstream_status: (k) => {
    const s = RESPONSE_PHASES.has(k.phase) ? k.service.response.get_status() : null;
    return s === null ? null : String(s);
  },
  // Kong's $upstream_uri: the path of the request being prepared for the upstream (its query is added after access).
  upstream_uri: (k) => {
    const path = k.request[STATE].upstream?.path;
    if (path === undefined) return null;
    const q = path.indexOf('?');
    return q < 0 ? path : path.slice(0, q);
  },
};

export function getVar(kong: Pdk, name: string): string | null | undefined {
  const known = VARS[name];
  if (known !== undefined) return known(kong);
  if (name.startsWith('http_')) return kong.request.get_header(name.slice(5).replaceAll('_', '-'));
  if (name.startsWith('arg_')) {
    const v = kong.request.get_query_arg(name.slice(4));
    return v === true ? '' : v;
  }
  if (name.startsWith('cookie_')) return cookie(kong.request.get_header('cookie'), name.slice(7));
  return null;
}

export function setVar(kong: Pdk, name: string, value: unknown): void {
  if (name === 'upstream_uri') {
    const v = String(value);
    const q = v.indexOf('?');
    kong.service.request.set_path(q < 0 ? v : v.slice(0, q));
    if (q >= 0) kong.service.request.set_raw_query(v.slice(q + 1));
    return;
  }
  if (name === 'args' || name === 'query_string') {
    kong.service.request.set_raw_query(value === undefined || value === null ? '' : String(value));
    return;
  }
  const known = VARS[name] !== undefined || /^(http|arg|cookie)_/.test(name);
  throw new Error(
    known
      ? `variable "${name}" not changeable`
      : `variable "${name}" not found for writing; maybe it is a built-in variable that is not changeable or you forgot to use "set $${name} ''" in the config file to define it`,
  );
}

function cookie(header: string | null, name: string): string | null {
  if (header === null) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
