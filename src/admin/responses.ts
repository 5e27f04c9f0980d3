/** The Admin API's answers as data: status, JSON body (absent = empty body) and extra headers. */
export interface AdminResponse {
  readonly status: number;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as it is, in place of `body`, with the content type its headers name (GET /metrics). */
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const ok = (body: unknown): AdminResponse => ({ status: 200, body });
export const noContent: AdminResponse = { status: 204 };
export const notFound: AdminResponse = { status: 404, body: { message: 'Not found' } };
export const methodNotAllowed: AdminResponse = { status: 405, body: { message: 'Method not allowed' } };
export const unauthorized: AdminResponse = { status: 401, body: { message: 'Unauthorized' } };

export function message(status: number, text: string): AdminResponse {
  return { status, body: { message: text } };
}

/** Kong DAO error body (kong/db/errors.lua): code, name, message, plus extra fields. */
export function daoError(status: number, code: number, name: string, text: string, extra?: Record<string, unknown>): AdminResponse {
  return { status, body: { code, name, message: text, ...extra } };
}

/** Kong: every write to an entity is refused by the DB-less strategy with code 12. */
export function unsupported(text: string): AdminResponse {
  return daoError(405, 12, 'operation unsupported', text);
}
