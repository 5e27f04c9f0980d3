/**
 * Tags a request asks for in its tags header (kong/plugins/zipkin/request_tags.lua): `Zipkin-Tags: foo=bar;
 * baz=qux` adds foo and baz to the request span. Items that do not parse are reported and skipped.
 */
const ITEM = /^\s*(\S+)\s*=\s*(.*\S)\s*$/;

export function parseRequestTags(header: string | readonly string[] | undefined): { tags: Record<string, string> | null; error: string | null } {
  if (header === undefined) return { tags: null, error: null };
  const tags: Record<string, string> = {};
  const errors: string[] = [];
  for (const value of typeof header === 'string' ? [header] : header) {
    for (const item of value.split(';')) {
      if (item === '') continue;
      const m = ITEM.exec(item);
      if (m === null) errors.push(item);
      else tags[m[1]!] = m[2]!;
    }
  }
  return { tags, error: errors.length > 0 ? `Could not parse the following Zipkin tags: ${errors.join(', ')}` : null };
}
