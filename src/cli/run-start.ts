import { createLogger } from '../log/logger.js';
import { ConfigInvalidError, type Gateway, startGateway } from '../runtime/gateway.js';
import { EXIT, listenOrOff } from './flag-values.js';
import { holdSignalsWhileStarting, untilStopped } from './signals.js';
import type { FlagOrigin, StartFlags, StartOptions } from './start-flags.js';

/** `sluice start` with checked options: starts the gateway, serves until a stop signal; resolves with the exit code. */
export async function runStart(options: StartOptions, flags: StartFlags, origin: FlagOrigin): Promise<number> {
  const logger = createLogger({ level: flags.logLevel, format: flags.logFormat });
  const held = holdSignalsWhileStarting(logger);
  logger.info('loading configuration', { file: flags.conf });
  let gateway: Gateway;
  try {
    gateway = await startGateway({ ...options, logger });
  } catch (err) {
    held.release();
    for (const line of startFailure(err as Error, flags, origin)) process.stderr.write(`${line}\n`);
    return EXIT.failed;
  }
  const stopped = untilStopped(gateway, logger, options.drainTimeoutMs);
  if (held.release()) void gateway.reload();
  return stopped;
}

/** What stderr says when the gateway did not start: the config's errors, or which listener could not bind and why. */
function startFailure(err: Error, flags: StartFlags, origin: FlagOrigin): string[] {
  if (err instanceof ConfigInvalidError) {
    return [...err.lines, `${flags.conf}: ${err.lines.length} error(s); sluice did not start`];
  }
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const listeners: [keyof StartFlags, string | undefined][] = [
    ['proxyListen', flags.proxyListen],
    ['proxySslListen', flags.proxySslListen],
    ['adminListen', flags.adminListen],
    ['adminSocket', flags.adminSocket],
    ['statusListen', flags.statusListen],
  ];
  // By address, else by port alone (`localhost:8000` fails as 127.0.0.1:8000).
  const failed =
    listeners.find(([key, spec]) => spec !== undefined && sameListener(key, spec, e, true)) ??
    listeners.find(([key, spec]) => spec !== undefined && sameListener(key, spec, e, false));
  if (e.syscall === 'listen' && failed) {
    const why = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.message;
    return [`sluice: cannot listen on ${failed[1]} (${origin.name(failed[0])}): ${why}; sluice did not start`];
  }
  return [`sluice: ${e.message}; sluice did not start`];
}

function sameListener(key: keyof StartFlags, spec: string, e: { address?: string; port?: number }, byHost: boolean): boolean {
  if (key === 'adminSocket') return e.address === spec;
  const address = listenOrOff(key, spec);
  return address !== null && address.port === e.port && (!byHost || address.host === e.address);
}
