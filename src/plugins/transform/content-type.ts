/**
 * Kong's is_json_body: some comma-separated part of Content-Type is application/json or an
 * application/<x>+json suffix type (application/problem+json, application/vnd.api+json).
 */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  for (const part of contentType.split(',')) {
    const media = part.split(';', 1)[0]!.trim().toLowerCase();
    const slash = media.indexOf('/');
    if (slash <= 0 || media.slice(0, slash) !== 'application') continue;
    const subtype = media.slice(slash + 1);
    if (subtype === 'json' || subtype.endsWith('+json')) return true;
  }
  return false;
}
