import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { HttpListeners } from '../admin/http-listeners.js';
import { createAdminServer, type NodeOptions } from '../admin/server.js';
import { createStatusListener } from '../admin/status-listener.js';
import { BalancerResources } from '../balancer/resources.js';
import { formatError, redactedError } from '../config/errors.js';
import { loadConfigFile } from '../config/load.js';
import type { ConfigError, LoadResult } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { Counts } from '../log/redact.js';
import { createEngine } from '../proxy/engine/index.js';
import type { ProxyEngine } from '../http/engine.js';
import { createStats, type Listener, listenProxy, parseListen } from '../proxy/server.js';
import { DEFAULT_PROXY_SETTINGS, type ProxySettings } from '../proxy/settings.js';
import { PrometheusMetrics } from '../plugins/prometheus/metrics.js';
import type { LogSinksOptions } from '../plugins/log-common/sinks.js';
import { createGatewayServices } from '../plugins/services.js';
import type { RedisPool } from '../redis/pool.js';
import { loadDefaultCertificate } from '../tls/default-certificate.js';
import { compileConfig } from './compile-config.js';
import { type ConfigLoader, createConfigLoader } from './load-worker.js';
import { entityCounts } from '../schema/entity-counts.js';
import { createReloader, type ReloadOutcome } from './reloader.js';
import { SnapshotCell } from './runtime.js';
import type { SharedDicts } from '../shared-dict/shared-dict.js';
import { type FileWatcher, watchFile } from './watch-file.js';
import { SLUICE_VERSION } from '../util/versions.js';


export interface GatewayOptions {
  conf: string;
  proxyListen: string;
  /** TLS proxy listener (Kong's `proxy_listen … ssl`); undefined or 'off' disables it. */
  proxySslListen?: string | undefined;
  /** Default certificate files (Kong's ssl_cert/ssl_cert_key); a self-signed one is generated without them. */
  sslCert?: string | undefined;
  sslCertKey?: string | undefined;
  adminListen: string; // 'off' disables the Admin API
  adminSocket?: string | undefined;
  adminToken?: string | undefined;
  /** Kong returns private keys and credential secrets; sluice redacts them unless this is set. */
  adminExposeSecrets?: boolean | undefined;
  /** Kong's status_listen (/status, /status/ready, /metrics); undefined or 'off' disables it. */
  statusListen?: string | undefined;
  watch: boolean;
  engine: 'http-proxy' | 'undici';
  settings?: Partial<ProxySettings>;
  logger: Logger;
  drainTimeoutMs: number;
  watchDebounceMs?: number;
  /** Where the log plugins' sinks write (the syslog socket, /dev/log by default). */
  logSinks?: LogSinksOptions;
  /**
   * Shared dictionaries lent to this gateway (rate-limiting counters), for a runtime whose primary holds them:
   * gateways lent one set count together, as Kong's workers share one shm. Their holder closes them; without
   * them the gateway makes its own, dropped at stop.
   */
  dictionaries?: SharedDicts;
}

export interface Gateway {
  readonly cell: SnapshotCell;
  /** Health checkers and the DNS cache its snapshots share (introspection for tests). */
  readonly balancers: BalancerResources;
  /** Redis clients its plugins share across its snapshots (introspection for tests). */
  readonly redis: RedisPool;
  readonly proxyAddress: { host: string; port: number };
  readonly proxySslAddress: { host: string; port: number } | null;
  readonly adminAddress: { host: string; port: number } | null;
  readonly statusAddress: { host: string; port: number } | null;
  readonly engine: ProxyEngine;
  reload(): Promise<ReloadOutcome>;
  /** SIGUSR1: the log plugins' files are opened anew at their next write (after logrotate moved them). */
  reopenLogs(): void;
  /** Resolves once the watcher (if any) is active. */
  readonly watching: Promise<void>;
  /**
   * Graceful stop (nginx's quit): the listeners stop accepting, requests in flight are answered and their
   * connections closed, what is still open at `drainTimeoutMs` is cut; then everything the gateway holds closes.
   * Signals and exit codes are the CLI's (src/cli/signals.ts).
   */
  close(): Promise<void>;
}

export class ConfigInvalidError extends Error {
  constructor(readonly lines: string[]) {
    super(`invalid configuration:\n${lines.join('\n')}`);
  }
}

/**
 * Starts a gateway in this process: load + compile the config, listen, watch. Throws when the config is invalid
 * (its errors redacted as in logs: start-up output goes where logs go; `sluice validate` shows the values).
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const early = await startEarly(opts);
  try {
    return await startServing(opts, early);
  } catch (err) {
    await early.status?.close();
    await early.loader.close();
    throw err;
  }
}

/** What the gateway has before its configuration loads: who it is, its counters and metrics, its status listener. */
interface Early {
  readonly nodeId: string;
  readonly stats: ReturnType<typeof createStats>;
  readonly prometheus: PrometheusMetrics;
  /** The node facts the Admin API and the status listener report. */
  readonly node: NodeOptions;
  /** Filled in as the gateway comes up and goes down. */
  readonly live: { cell: SnapshotCell | null; balancers: BalancerResources | null; serving: boolean; stopping: boolean };
  readonly status: HttpListeners | null;
  readonly statusAddress: { host: string; port: number } | null;
  /** Loads configurations off the event loop (the first one included), so the status listener answers meanwhile. */
  readonly loader: ConfigLoader;
}

/**
 * Kong's status listener comes up first, so a readiness probe is answered (503) while the configuration loads;
 * it says 200 once the gateway serves and 503 again while it stops.
 */
async function startEarly(opts: GatewayOptions): Promise<Early> {
  const live: Early['live'] = { cell: null, balancers: null, serving: false, stopping: false };
  const stats = createStats();
  const nodeId = randomUUID();
  // The gateway's metrics: its prometheus plugins record into them across reloads, /metrics reads them.
  const prometheus = new PrometheusMetrics();
  const node: NodeOptions = {
    lastReloadError: () => {
      const f = live.cell?.lastFailure;
      return f ? { at: Date.parse(f.time), errors: f.errors.map((e) => ({ ...e, text: formatError(f.file, e) })) } : null;
    },
    stats: () => stats,
    nodeId,
    hostname: hostname(),
    version: SLUICE_VERSION,
    configuration: {
      conf: opts.conf,
      proxy_listen: opts.proxyListen,
      proxy_ssl_listen: opts.proxySslListen ?? 'off',
      admin_listen: opts.adminListen,
      status_listen: opts.statusListen ?? 'off',
      engine: opts.engine,
      watch: opts.watch,
      database: 'off',
      router_flavor: 'traditional_compatible',
    },
    logLevel: () => opts.logger.level,
    runtime: () => ({ draining: live.cell?.draining ?? 0, healthCheckers: live.balancers?.checkers.liveCheckers() ?? 0 }),
    prometheus,
  };
  const loader = createConfigLoader();
  if (!opts.statusListen || opts.statusListen === 'off') return { nodeId, stats, prometheus, node, live, status: null, statusAddress: null, loader };
  const status = createStatusListener({
    ...node,
    serving: () => (live.serving && live.cell !== null ? live.cell.current : null),
    stopping: () => live.stopping,
  });
  const a = (await status.listen(parseListen(opts.statusListen))) as { address: string; port: number };
  return { nodeId, stats, prometheus, node, live, status, statusAddress: { host: a.address, port: a.port }, loader };
}

/** The first load goes through the loader as reloads do (a large file is parsed in its worker thread). */
async function loadInitial(file: string, loader: ConfigLoader): Promise<LoadResult> {
  const text = await readFile(file, 'utf8').catch(() => null);
  // Unreadable: loadConfigFile reports why, as it always has.
  return text === null ? loadConfigFile(file) : loader.load(text, file);
}

async function startServing(opts: GatewayOptions, early: Early): Promise<Gateway> {
  const { logger } = opts;
  const { nodeId, stats, live, loader } = early;
  const invalid = (errors: readonly ConfigError[]) => new ConfigInvalidError(errors.map((e) => formatError(opts.conf, redactedError(e))));
  const loaded = await loadInitial(opts.conf, loader);
  if (!loaded.ok) throw invalid(loaded.errors);
  // Plugins keep handles to these (Redis connects on first use, queues start on first entry), so compiling
  // opens nothing; they outlive reloads and close at stop.
  const own = createGatewayServices(logger, { prometheus: early.prometheus, ...(opts.logSinks ? { logSinks: opts.logSinks } : {}) });
  // Lent dictionaries stay their holder's: own.close() drops only the gateway's own (unused) set.
  const services = opts.dictionaries ? { ...own, dictionaries: opts.dictionaries } : own;
  const { redis } = services;
  const compiled = compileConfig(loaded.config, opts.conf, 1, logger, services);
  if (!compiled.ok) throw invalid(compiled.errors);
  const initial = compiled.snapshot;
  const balancers = new BalancerResources();
  // Snapshots join the shared health checkers when they become current and leave when they retire.
  const cell = new SnapshotCell(initial, { balancers }, (old) => logger.debug('snapshot retired', { generation: old.generation }));
  live.cell = cell;
  live.balancers = balancers;
  const settings: ProxySettings = { ...DEFAULT_PROXY_SETTINGS, ...opts.settings };
  const engine = createEngine(opts.engine);
  const ctx = { snapshots: cell, engine, settings, logger, nodeId, hostname: hostname() };

  const reloader = createReloader(opts.conf, cell, loader, logger, services);

  let proxy: Listener | null = null;
  let proxySsl: Listener | null = null;
  let admin: ReturnType<typeof createAdminServer> | null = null;
  let adminAddress: { host: string; port: number } | null = null;
  let watcher: FileWatcher | null = null;
  try {
    proxy = await listenProxy(ctx, parseListen(opts.proxyListen), stats);
    if (opts.proxySslListen && opts.proxySslListen !== 'off') {
      const defaultCertificate = await loadDefaultCertificate(opts.sslCert, opts.sslCertKey);
      if (defaultCertificate.generated) {
        logger.info('no --ssl-cert given: the TLS listener serves a self-signed default certificate generated at start (CN=localhost)');
      } else if (defaultCertificate.keyType !== 'rsa') {
        logger.warn('the default certificate is not RSA: ECDSA-capable clients may get it instead of an RSA certificate chosen by SNI', {
          key_type: defaultCertificate.keyType,
        });
      }
      proxySsl = await listenProxy(ctx, parseListen(opts.proxySslListen), stats, {
        defaultCertificate,
        certificates: () => cell.current.tls,
      });
    }
    if (opts.adminListen !== 'off' || opts.adminSocket) {
      const server = createAdminServer({
        ...early.node,
        current: () => cell.current,
        ...(opts.adminToken ? { token: opts.adminToken } : {}),
        exposeSecrets: opts.adminExposeSecrets === true,
      });
      admin = server;
      if (opts.adminListen !== 'off') {
        const a = (await server.listen(parseListen(opts.adminListen))) as { address: string; port: number };
        adminAddress = { host: a.address, port: a.port };
      }
      if (opts.adminSocket) await server.listen({ path: opts.adminSocket });
    }
  } catch (err) {
    await proxy?.close(0);
    await proxySsl?.close(0);
    await admin?.close();
    await loader.close();
    await engine.close();
    cell.close();
    balancers.close();
    await services.close(0);
    throw err;
  }

  if (opts.watch) {
    watcher = watchFile(opts.conf, {
      debounceMs: opts.watchDebounceMs ?? 100,
      onChange: ({ text, hash }) => {
        void reloader.change(text, hash);
      },
      onMissing: () => logger.warn('config file is missing; the current configuration keeps serving', { file: opts.conf }),
      onError: (err) => logger.error('config watcher error', { file: opts.conf, error: err.message }),
    });
    watcher.setKnownHash(initial.hash);
  }

  const address = proxy.address();
  const sslAddress = proxySsl?.address() ?? null;
  logger.info('sluice started', {
    proxy: `${address.address}:${address.port}`,
    proxy_ssl: sslAddress ? `${sslAddress.address}:${sslAddress.port}` : 'off',
    admin: adminAddress ? `${adminAddress.host}:${adminAddress.port}` : 'off',
    status: early.statusAddress ? `${early.statusAddress.host}:${early.statusAddress.port}` : 'off',
    engine: engine.name,
    hash: initial.hash,
    entities: new Counts(entityCounts(initial.entities)),
  });

  live.serving = true;
  let closed = false;
  return {
    cell,
    balancers,
    redis,
    proxyAddress: { host: address.address, port: address.port },
    proxySslAddress: sslAddress ? { host: sslAddress.address, port: sslAddress.port } : null,
    adminAddress,
    statusAddress: early.statusAddress,
    engine,
    watching: watcher?.ready ?? Promise.resolve(),
    reload: () => reloader.force(),
    reopenLogs: () => services.logSinks.reopen(),
    async close() {
      if (closed) return;
      closed = true;
      live.stopping = true;
      await watcher?.close();
      await Promise.all([proxy!.close(opts.drainTimeoutMs), proxySsl?.close(opts.drainTimeoutMs), admin?.close()]);
      // Open while the proxy drains, so a readiness probe sees 503 'draining' until the last request is out.
      await early.status?.close();
      await loader.close();
      await engine.close();
      cell.close();
      balancers.close();
      // Log entries of the last requests still go out, within the drain budget.
      await services.close(opts.drainTimeoutMs);
      early.prometheus.clear();
    },
  };
}
