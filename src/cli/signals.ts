import type { Logger } from '../log/logger.js';
import type { Gateway } from '../runtime/gateway.js';

/**
 * Kong's process signals (nginx's): SIGHUP reloads (`kong reload`), SIGQUIT is the graceful quit (`kong quit`).
 * SIGTERM and SIGINT are graceful too, unlike nginx's fast stop: they are what Kubernetes, Docker and Ctrl-C send,
 * and a gateway that drops the requests in flight on a rolling update is the bug users meet first.
 */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;

/**
 * While the gateway starts (a large file takes seconds), SIGHUP and SIGUSR1 would take their default action and
 * kill the process: they are held instead. A SIGHUP is answered with one reload once serving (the file may have
 * changed after it was read); a SIGUSR1 has nothing to reopen yet. Stop signals keep their default: there is
 * nothing to drain. `release()` removes the holders and says whether a reload is owed.
 */
export function holdSignalsWhileStarting(logger: Logger): { release(): boolean } {
  let reloadOwed = false;
  const hup = () => {
    reloadOwed = true;
    logger.info('SIGHUP during start-up: reloading once serving');
  };
  const usr1 = () => logger.info('SIGUSR1 during start-up: no log file is open yet');
  process.on('SIGHUP', hup);
  process.on('SIGUSR1', usr1);
  return {
    release() {
      process.off('SIGHUP', hup);
      process.off('SIGUSR1', usr1);
      return reloadOwed;
    },
  };
}

/**
 * Runs until a stop signal has drained the gateway; resolves with the exit code (0, or 1 when stopping failed).
 * The handlers stay installed until the process exits: a second stop signal, or a SIGHUP, during the drain is
 * logged and ignored instead of taking the default action (which would kill the process and cut the requests
 * being drained). `--drain-timeout` bounds the drain; SIGKILL remains the way to stop at once.
 */
export function untilStopped(gateway: Pick<Gateway, 'close' | 'reload' | 'reopenLogs'>, logger: Logger, drainTimeoutMs: number): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.info('already draining: signal ignored', { signal });
        return;
      }
      stopping = true;
      logger.info('shutting down: draining in-flight requests', { signal, drain_timeout_ms: drainTimeoutMs });
      gateway.close().then(
        () => {
          logger.info('stopped');
          resolve(0);
        },
        (err: Error) => {
          logger.error('shutdown failed', { error: err.message });
          resolve(1);
        },
      );
    };
    const reload = () => {
      if (stopping) return logger.info('draining: SIGHUP ignored');
      logger.info('SIGHUP: reloading configuration');
      // The reloader logs the outcome; a failed reload keeps the current configuration serving.
      void gateway.reload();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
    process.on('SIGHUP', reload);
    // nginx's USR1: reopen log files (logrotate's postrotate), here the log plugins' files.
    process.on('SIGUSR1', () => gateway.reopenLogs());
  });
}
