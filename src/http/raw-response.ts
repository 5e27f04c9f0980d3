import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { kongJsonBody, SERVER_TOKEN } from './kong-response.js';

/**
 * A gateway error as whole HTTP/1.1 bytes, for a socket node:http does not frame (a request its parser
 * refused: there is no response object to write through). Kong answers those through its error handler
 * (kong/error_handlers.lua): Kong's body with the request id, `Server` and `X-Kong-Request-Id`; nginx closes
 * the connection after a request it could not read, so `Connection: close` and a Content-Length in bytes.
 */
export function rawErrorResponse(status: number, message: string, requestId: string): string {
  const body = kongJsonBody(message, requestId);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
    `Server: ${SERVER_TOKEN}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n' +
    `X-Kong-Request-Id: ${requestId}\r\n` +
    `\r\n${body}`
  );
}

/** Writes `rawErrorResponse` and closes the socket once it is flushed; a socket already gone is only destroyed. */
export function endWithError(socket: Duplex, status: number, message: string, requestId: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rawErrorResponse(status, message, requestId));
}
