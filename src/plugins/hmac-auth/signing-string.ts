import type { Pdk } from '../../pdk/kong.js';

/**
 * The text the client signed: one line per listed header, `name: value`. Two pseudo-headers stand for the
 * request itself (`@request-target`: lower-case method and path with query; `request-line`: the HTTP request
 * line); a header the request lacks signs as `name:`.
 */
export function signingString(kong: Pdk, headers: readonly string[]): string {
  const uri = kong.request.get_path_with_query();
  const lines: string[] = [];
  for (const name of headers) {
    const value = kong.request.get_header(name);
    if (value !== null) lines.push(`${name}: ${value}`);
    else if (name === '@request-target') lines.push(`${name}: ${kong.request.get_method().toLowerCase()} ${uri}`);
    else if (name === 'request-line') lines.push(`${kong.request.get_method()} ${uri} HTTP/${kong.request.get_http_version().toFixed(1)}`);
    else lines.push(`${name}:`);
  }
  return lines.join('\n');
}
