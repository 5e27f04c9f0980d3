import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../log/logger.js';
import { createPdk } from '../pdk/kong.js';
import { RequestState } from '../pdk/state.js';
import type { PluginChain } from '../plugins/chain.js';
import { runCollecting } from '../plugins/runner.js';
import type { CompiledSnapshot } from '../snapshot/compile.js';

/** What the certificate phase needs from the gateway (src/proxy's ProxyContext has it all). */
export interface CertificatePhaseContext {
  readonly snapshots: { acquire(): CompiledSnapshot; release(snapshot: CompiledSnapshot): void };
  readonly logger: Logger;
  readonly nodeId: string;
  readonly hostname: string;
}

/**
 * Kong's certificate phase (Kong.ssl_certificate): the global plugins' certificate handlers, once per TLS
 * handshake, before any request exists. Only kong.log, kong.node and the address functions of kong.client /
 * kong.request work there (src/pdk/phase-rules.ts); kong.ctx does not exist yet and nothing carries over to
 * the requests of the connection (Kong clears ngx.ctx after the phase). A handler that throws aborts the
 * handshake, as an error in ssl_certificate_by_lua does; the gateway goes on.
 *
 * Calls `done` with null when the handshake may go on, or with the error that ends it. Synchronous unless a
 * handler returns a promise.
 */
export function runCertificatePhase(
  ctx: CertificatePhaseContext,
  socket: TLSSocket,
  servername: string | null,
  done: (err: Error | null) => void,
): void {
  const snap = ctx.snapshots.acquire();
  const chain = snap.proxy.globalPlugins;
  if (!hasCertificateHandlers(chain)) {
    ctx.snapshots.release(snap);
    return done(null);
  }
  const state = handshakeState(socket, servername);
  const kong = createPdk(state, {
    plan: snap.proxy,
    logger: ctx.logger,
    nodeId: ctx.nodeId,
    hostname: ctx.hostname,
    maxBodyBytes: 0,
  });
  const finish = (err: unknown) => {
    ctx.snapshots.release(snap);
    if (err === null) return done(null);
    const error = err instanceof Error ? err : new Error(String(err));
    ctx.logger.error('plugin failed', { error: error.message, phase: 'certificate', sni: servername });
    done(error);
  };
  let pending: void | Promise<void>;
  try {
    pending = runCollecting('certificate', chain, state, kong, null);
  } catch (err) {
    return finish(err);
  }
  if (pending === undefined) finish(null);
  else pending.then(() => finish(null), finish);
}

function hasCertificateHandlers(chain: PluginChain): boolean {
  for (const slot of chain.slots) if (slot.base?.handlers.certificate !== undefined) return true;
  return false;
}

/**
 * The PDK's state for a handshake: no HTTP request yet, only the connection. Every function that would read
 * the request is refused by its phase check before it looks, so the stand-ins carry just the socket.
 */
function handshakeState(socket: TLSSocket, servername: string | null): RequestState {
  const req = { socket, headers: {}, method: undefined, httpVersion: '' } as unknown as IncomingMessage;
  const state = new RequestState(req, {} as ServerResponse, '', 'https', '', '', performance.now());
  state.phase = 'certificate';
  state.servername = servername;
  return state;
}
