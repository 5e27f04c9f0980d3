import { buildAdminViews } from './admin-views.js';
import type { LoadedConfig } from '../config/types.js';
import { upstreamHealthReport } from '../balancer/upstream-health.js';
import { buildLinearRouter, buildRouterSteps, isHttpSubsystemRoute, requiresTls } from '../router/index.js';
import { isWebSocketProtocol } from '../schema/typedefs.js';
import type { Consumer, Route } from '../schema/index.js';
import type { Logger } from '../log/logger.js';
import type { PluginChain } from '../plugins/chain.js';
import { compilePlugins } from './compile-plugins.js';
import type { PluginServices } from '../plugins/services.js';
import { compileBalancers, compileServices } from './compile-services.js';
import { deepFreeze } from '../util/deep-freeze.js';
import { type CertificateSet, compileCertificateSet } from '../tls/certificate-set.js';
import { explainRequest } from './explain.js';
import type { ProxyPlan, RoutePlan, ServicePlan } from '../pdk/proxy-plan.js';
import type { ExplainRequest, Snapshot } from './types.js';
import { stampedContentKeys } from '../config/content-key.js';
import { identity, Reuse } from './reuse.js';
import { internEntities } from './intern.js';
import type { AdminViews } from './admin-views.js';

export interface CompiledSnapshot extends Snapshot {
  readonly proxy: ProxyPlan;
  /** Server certificates by SNI for the TLS listener; handshakes read the current snapshot's set. */
  readonly tls: CertificateSet;
}

/**
 * Pure: validated entities in, a frozen snapshot out. Everything the request path needs that depends only on
 * config (router index, service plans, upstream URLs, header values, TLS contexts) is computed here, once. No
 * timer, socket or lookup is started: the runtime activates the snapshot when it swaps it in
 * (src/snapshot/lifecycle.ts), so a compile that throws leaves nothing behind.
 */
export function compileSnapshot(
  config: LoadedConfig,
  file: string,
  generation: number,
  logger: Logger,
  pluginServices?: PluginServices,
  reuse?: Reuse,
): CompiledSnapshot {
  const steps = compileSnapshotSteps(config, file, generation, logger, pluginServices, reuse);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/** Routes compiled between two yields. */
const STEP = 500;

/**
 * compileSnapshot in steps: it yields every few hundred routes so the runtime can serve requests between them
 * (src/runtime/compile-config.ts); the steps are pure, the caller only decides when to take the next one. With
 * `reuse` (the previous compile's pieces), a piece whose inputs' content keys are unchanged is taken as it was.
 */
export function* compileSnapshotSteps(
  config: LoadedConfig,
  file: string,
  generation: number,
  logger: Logger,
  pluginServices?: PluginServices,
  reuse: Reuse = new Reuse(),
): Generator<void, CompiledSnapshot> {
  const keys = config.keys ?? stampedContentKeys(config.entities);
  const entities = yield* internEntities(config.entities, keys, reuse.previous.entities, reuse.next.entities);
  const plugins = compilePlugins(entities, logger, pluginServices, reuse, keys['plugins']);
  yield;
  const balancers = compileBalancers(entities, reuse, keys);
  const services = compileServices(entities, balancers, reuse, keys);
  const routes: RoutePlan[] = [];
  const streamRoutes: string[] = [];
  const routeKeys = keys['routes'] ?? [];
  for (let i = 0; i < entities.routes.length; i++) {
    const r = entities.routes[i]!;
    if (i % STEP === STEP - 1) yield;
    // Kong (runloop/handler new_router): stream routes belong to another subsystem, and routes of a disabled
    // service are left out of the router altogether (so they answer 404).
    if (!isHttpSubsystemRoute(r.protocols)) {
      streamRoutes.push(r.name ?? r.id);
      continue;
    }
    const service = r.service ? services.get(r.service.id) : undefined;
    if (r.service && !service) continue;
    if (service && !service.enabled) continue;
    const chain = plugins.chainFor(r.id, r.service?.id ?? null);
    const build = () => compileRoute(r, service ?? null, chain);
    const key = routeKeys[i];
    routes.push(key === undefined ? build() : reuse.take('routes', `${key}|${identity(service ?? null)}|${identity(chain)}`, build));
  }
  // sluice has no stream (tcp/tls/udp) listener yet: such routes load, as in Kong, but say so instead of
  // silently serving nothing.
  if (streamRoutes.length > 0) {
    logger.warn('stream routes (tcp, tls, tls_passthrough, udp) are not served: sluice has no stream listener yet', {
      routes: streamRoutes,
    });
  }
  const router = yield* buildRouterSteps(routes);
  // The reference matcher only serves the explain endpoint: built on first use, not on every reload.
  let linear: ReturnType<typeof buildLinearRouter<RoutePlan>> | null = null;
  const consumersById = new Map(entities.consumers.map((c) => [c.id, c]));
  const consumersByUsername = new Map<string, Consumer>();
  for (const c of entities.consumers) if (c.username) consumersByUsername.set(c.username, c);
  const proxy: ProxyPlan = {
    router,
    services,
    balancers,
    consumersById,
    consumersByUsername,
    globalPlugins: plugins.global,
    routesUseHeaders: routes.some((r) => r.headers !== null && Object.keys(r.headers).length > 0),
  };
  yield;
  const snapshot: CompiledSnapshot = {
    generation,
    hash: config.hash,
    loadedAt: Date.now(),
    file,
    formatVersion: config.formatVersion,
    entities,
    admin: lazyAdminViews(entities),
    proxy,
    tls: compileCertificateSet(entities),
    upstreamHealth: (id: string) => upstreamHealthReport(balancers, id),
    explain: (req: ExplainRequest) => explainRequest((linear ??= buildLinearRouter(routes)), router, req),
  };
  // The router and balancers keep private state in closures; freezing the objects that hold them is what
  // makes the snapshot read-only to its users. Route plans and the pieces they hold are frozen as built.
  return deepFreeze(snapshot);
}

/**
 * The Admin API's views, built (and deep-frozen) on their first read: a gateway whose Admin API is off, or not
 * asked, does not pay for them on every reload. The object is frozen, so deepFreeze leaves the getters alone.
 */
function lazyAdminViews(entities: LoadedConfig['entities']): AdminViews {
  let views: AdminViews | null = null;
  const get = () => (views ??= deepFreeze(buildAdminViews(entities)));
  return Object.freeze({
    get collections() {
      return get().collections;
    },
    get consumersByCustomId() {
      return get().consumersByCustomId;
    },
    get tags() {
      return get().tags;
    },
    get tagsByName() {
      return get().tagsByName;
    },
    get pluginsInUse() {
      return get().pluginsInUse;
    },
    get groupMembers() {
      return get().groupMembers;
    },
    get groupsOfConsumer() {
      return get().groupsOfConsumer;
    },
  });
}

function compileRoute(r: Route, service: ServicePlan | null, plugins: PluginChain): RoutePlan {
  const httpsOnly = requiresTls(r.protocols);
  const websocket = r.protocols.some(isWebSocketProtocol);
  return Object.freeze({
    entity: r,
    id: r.id,
    name: r.name ?? null,
    protocols: r.protocols,
    methods: r.methods ?? null,
    hosts: r.hosts ?? null,
    paths: r.paths ?? null,
    headers: r.headers ?? null,
    snis: r.snis ?? null,
    regex_priority: r.regex_priority,
    service,
    stripPath: r.strip_path,
    pathHandlingV1: r.path_handling === 'v1',
    preserveHost: r.preserve_host,
    httpsOnly,
    websocket,
    httpsRedirectStatus: r.https_redirect_status_code,
    requestBuffering: r.request_buffering,
    responseBuffering: r.response_buffering,
    plugins,
  });
}
