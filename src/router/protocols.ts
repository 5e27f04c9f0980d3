/**
 * Which routes the HTTP router holds, and which refuse plain-text requests. Kong's http subsystem takes routes
 * with any of these protocols (constants.lua PROTOCOLS_WITH_SUBSYSTEM: Kong EE's ws/wss are http); its router
 * never matches on protocol — a WebSocket route matches any request by hosts, paths, headers and snis, and the
 * handshake check comes later, in the request lifecycle (Kong EE: ws_handshake answers 400).
 */
export const HTTP_SUBSYSTEM_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'https', 'grpc', 'grpcs', 'ws', 'wss']);

export const isHttpSubsystemRoute = (protocols: readonly string[]): boolean => protocols.some((p) => HTTP_SUBSYSTEM_PROTOCOLS.has(p));

/** Kong runloop: https without http, or (EE) wss without ws → a plain-text request is redirected or refused (426). */
export const requiresTls = (protocols: readonly string[]): boolean =>
  (protocols.includes('https') && !protocols.includes('http')) || (protocols.includes('wss') && !protocols.includes('ws'));
