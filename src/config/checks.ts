/**
 * Check stage: the rules Kong applies beyond field types (kong/db/schema/entities/*.lua entity_checks and custom
 * validators, plugin config schemas and their entity checks), on normalized rows with resolved references, keyed
 * by entity type. Pure: reads rows, the load's clock and environment from the context, and reports problems,
 * each naming the field it is about. May not change a row (normalize.ts and derive.ts do that).
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { pluginCatalog } from '../plugins/catalog.js';
import {
  type FieldView,
  type ProtocolProblem,
  routeProtocolProblems,
  routeServiceProtocolProblem,
  serviceProtocolProblems,
} from '../schema/entities/protocol-rules.js';
import { IGNORED_COLLECTIONS } from '../schema/registry.js';
import { isWebSocketProtocol } from '../schema/typedefs.js';
import { checkRouteHost, checkRoutePath } from '../router/index.js';
import { compiled } from './ajv.js';
import { didYouMean } from './errors.js';
import type { FlatRow, FlatRows } from './flatten.js';
import type { FieldProblem } from './normalize.js';
import { schemaProblems } from './schema-errors.js';
import { parseTarget } from '../util/target.js';
import { findVaultRefs, resolveVaultRef } from '../util/vault.js';

export interface CheckContext {
  readonly problems: FieldProblem[];
  /** Environment for `{vault://env/…}` references (LoadOptions.env). */
  readonly env: NodeJS.ProcessEnv;
  /** The load's clock, ms (LoadOptions.now): certificate expiry is judged against it. */
  readonly now: number;
}

type Check = (row: FlatRow, ctx: CheckContext) => void;

function report(
  ctx: CheckContext,
  row: FlatRow,
  field: string | (string | number)[] | null,
  message: string,
  hint?: string,
  key = false,
) {
  const rest = field === null ? [] : Array.isArray(field) ? field : [field];
  ctx.problems.push({ path: [...row.path, ...rest], message, ...(hint ? { hint } : {}), ...(key ? { key } : {}) });
}

const set = (v: unknown): boolean => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/** A normalized row as the protocol rules see it (src/schema/entities/protocol-rules.ts). */
function fieldView(row: FlatRow): FieldView {
  const v = row.value;
  return { isSet: (f) => set(v[f]), value: (f) => v[f] };
}

const reportProblems = (ctx: CheckContext, row: FlatRow, problems: readonly ProtocolProblem[]) => {
  for (const p of problems) report(ctx, row, p.field, p.message, p.hint);
};

const checkService: Check = (row, ctx) => {
  const v = row.value;
  reportProblems(ctx, row, serviceProtocolProblems(v.protocol as string, fieldView(row)));
  if (typeof v.host === 'string' && v.host.includes(':') && isIP(v.host) === 0) {
    report(ctx, row, 'host', 'must not have a port', 'put the port in `port`');
  }
};

const checkRoute: Check = (row, ctx) => {
  const v = row.value;
  // Kong validates every field whatever its entity checks find, so the path/host checks below always run.
  reportProblems(ctx, row, routeProtocolProblems(v.protocols as string[], fieldView(row)));
  (v.paths as string[] | null)?.forEach((p, i) => {
    const err = checkRoutePath(p);
    if (err) report(ctx, row, ['paths', i], err);
  });
  (v.hosts as string[] | null)?.forEach((h, i) => {
    const err = checkRouteHost(h);
    if (err) report(ctx, row, ['hosts', i], err);
  });
  for (const name of Object.keys((v.headers as Record<string, unknown> | null) ?? {})) {
    if (name.toLowerCase() === 'host') {
      report(ctx, row, ['headers', name], "cannot contain 'host' header, which must be specified in the 'hosts' attribute", undefined, true);
    }
  }
};

const checkConsumer: Check = (row, ctx) => {
  if (row.value.username === null && row.value.custom_id === null) {
    report(ctx, row, null, "at least one of these fields must be non-empty: 'custom_id', 'username'");
  }
};

const checkPlugin: Check = (row, ctx) => {
  const v = row.value;
  const name = v.name as string;
  const info = pluginCatalog.get(name);
  if (!info) {
    const guess = didYouMean(name, pluginCatalog.keys());
    report(
      ctx,
      row,
      'name',
      `plugin '${name}' not enabled; add it to the 'plugins' configuration property`,
      guess ? `did you mean '${guess}'?` : `sluice bundles: ${[...pluginCatalog.keys()].join(', ')}`,
    );
    return;
  }
  // Defaults are already in (normalize.ts): Kong validates a plugin config record after filling them.
  const config = v.config as Record<string, unknown>;
  const validate = compiled(`plugin:${name}`, () => info.config);
  if (!validate(config)) {
    for (const p of schemaProblems(validate.errors ?? [])) report(ctx, row, ['config', ...p.path], p.message, p.hint, p.key);
  } else {
    // Every problem a plugin's own checks find, each at its field (a path from the plugin entity).
    for (const p of info.configProblems?.(config) ?? []) report(ctx, row, [...p.path], p.message);
  }
  // Kong: the plugin schema's protocols field says which protocols the plugin takes (one_of per element).
  const allowed = info.protocols;
  if (allowed !== undefined) {
    (v.protocols as string[]).forEach((p, i) => {
      if (!allowed.includes(p)) report(ctx, row, ['protocols', i], `expected one of: ${allowed.join(', ')}`, `plugin '${name}' runs on ${allowed.join(', ')}`);
    });
  }
  if (info.noConsumer && v.consumer !== null) report(ctx, row, 'consumer', 'value must be null', `plugin '${name}' cannot be scoped to a consumer`);
  // Kong Enterprise: a plugin that cannot be scoped to a consumer cannot be scoped to a consumer group either.
  if (info.noConsumer && v.consumer_group != null) {
    report(ctx, row, 'consumer_group', 'value must be null', `plugin '${name}' cannot be scoped to a consumer group`);
  }
  if (info.noRoute && v.route !== null) report(ctx, row, 'route', 'value must be null', `plugin '${name}' cannot be scoped to a route`);
  if (info.noService && v.service !== null) report(ctx, row, 'service', 'value must be null', `plugin '${name}' cannot be scoped to a service`);
  checkVaultRefs(row, ['config'], config, ctx);
};

const checkUpstream: Check = (row, ctx) => {
  const v = row.value;
  const name = v.name as string;
  if (isIP(name) !== 0) report(ctx, row, 'name', `Invalid name ('${name}'); no ip addresses allowed`);
  else if (/:\d+$/.test(name)) report(ctx, row, 'name', `Invalid name ('${name}'); no port allowed`);
  else if (!/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(name)) report(ctx, row, 'name', `Invalid name ('${name}'); must be a valid hostname`);
  const on = v.hash_on as string;
  const fb = v.hash_fallback as string;
  if ((on === 'none' || on === 'cookie') && fb !== 'none') {
    report(ctx, row, 'hash_fallback', `expected one of: none`, `hash_fallback must be 'none' when hash_on is '${on}'`);
  }
  if (fb === on && ['consumer', 'ip', 'path'].includes(on)) report(ctx, row, 'hash_fallback', `must not be one of: ${on}`);
  const need: [string, string][] = [
    ['header', 'hash_on_header'],
    ['cookie', 'hash_on_cookie'],
    ['query_arg', 'hash_on_query_arg'],
    ['uri_capture', 'hash_on_uri_capture'],
  ];
  for (const [kind, field] of need) {
    if (on === kind && v[field] === null) report(ctx, row, field, 'required field missing', `hash_on is '${kind}'`);
  }
  const fbNeed: [string, string][] = [
    ['header', 'hash_fallback_header'],
    ['cookie', 'hash_on_cookie'],
    ['query_arg', 'hash_fallback_query_arg'],
    ['uri_capture', 'hash_fallback_uri_capture'],
  ];
  for (const [kind, field] of fbNeed) {
    if (fb === kind && v[field] === null) report(ctx, row, field, 'required field missing', `hash_fallback is '${kind}'`);
  }
  for (const [a, b] of [
    ['hash_on_header', 'hash_fallback_header'],
    ['hash_on_query_arg', 'hash_fallback_query_arg'],
    ['hash_on_uri_capture', 'hash_fallback_uri_capture'],
  ] as const) {
    if (v[a] !== null && v[a] === v[b] && on === fb) report(ctx, row, b, `values of these fields must be distinct: '${a}', '${b}'`);
  }
};

const checkTarget: Check = (row, ctx) => {
  const t = row.value.target as string;
  if (!parseTarget(t)) {
    report(ctx, row, 'target', `Invalid target ('${t}'); not a valid hostname or ip address`, 'use host[:port] or ip[:port], e.g. 10.0.0.1:8080');
  }
};

const isRef = (v: unknown): boolean => typeof v === 'string' && v.startsWith('{vault://');

function checkPem(row: FlatRow, ctx: CheckContext, certField: string, keyField: string): void {
  const v = row.value;
  const certText = v[certField];
  const keyText = v[keyField];
  if (typeof certText !== 'string' || typeof keyText !== 'string') return;
  if (isRef(certText) || isRef(keyText)) {
    checkVaultRefs(row, [], { [certField]: certText, [keyField]: keyText }, ctx);
    return;
  }
  let cert: X509Certificate | null = null;
  try {
    cert = new X509Certificate(certText);
  } catch (err) {
    report(ctx, row, certField, `invalid certificate: ${(err as Error).message}`, 'expected a PEM block starting with -----BEGIN CERTIFICATE-----');
  }
  let key = null;
  try {
    key = createPrivateKey(keyText);
  } catch (err) {
    report(ctx, row, keyField, `invalid key: ${(err as Error).message}`, 'expected a PEM private key');
  }
  if (cert && key && !cert.checkPrivateKey(key)) report(ctx, row, null, 'certificate does not match key');
}

const checkCertificate: Check = (row, ctx) => {
  checkPem(row, ctx, 'cert', 'key');
  const v = row.value;
  if ((v.cert_alt === null) !== (v.key_alt === null)) report(ctx, row, null, "all or none of these fields must be set: 'cert_alt', 'key_alt'");
  else if (v.cert_alt !== null) checkPem(row, ctx, 'cert_alt', 'key_alt');
};

const checkCaCertificate: Check = (row, ctx) => {
  const text = row.value.cert as string;
  const blocks = text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (blocks > 1) return report(ctx, row, 'cert', 'please submit only one certificate at a time');
  try {
    const c = new X509Certificate(text);
    if (Date.parse(c.validTo) < ctx.now) report(ctx, row, 'cert', 'certificate expired, "Not After" time is in the past');
    if (!c.ca) report(ctx, row, 'cert', 'certificate does not appear to be a CA because it is missing the "CA" basic constraint');
  } catch (err) {
    report(ctx, row, 'cert', `invalid certificate: ${(err as Error).message}`);
  }
};

const checkVault: Check = (row, ctx) => {
  if (row.value.name !== 'env') report(ctx, row, 'name', `vault '${String(row.value.name)}' is not installed`, "sluice bundles the 'env' vault");
  if (row.value.prefix === 'env') report(ctx, row, 'prefix', "must not be one of: env", 'the prefix names this vault; pick another');
};

const checkKey: Check = (row, ctx) => {
  const v = row.value;
  if ((v.jwk === null) === (v.pem === null)) {
    report(ctx, row, null, "exactly one of these fields must be non-empty: 'jwk', 'pem'");
    return;
  }
  if (typeof v.jwk === 'string') {
    try {
      const jwk = JSON.parse(v.jwk) as { kid?: unknown };
      if (jwk.kid !== v.kid) report(ctx, row, 'jwk', 'kid in jwk.kid must be equal to keys.kid');
      createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    } catch (err) {
      report(ctx, row, 'jwk', `could not parse jwk: ${(err as Error).message}`);
    }
  }
  const pem = v.pem as { private_key?: string; public_key?: string } | null;
  if (pem?.private_key && !isRef(pem.private_key)) {
    try {
      createPrivateKey(pem.private_key);
    } catch (err) {
      report(ctx, row, ['pem', 'private_key'], `invalid key: ${(err as Error).message}`);
    }
  }
  if (pem?.public_key && !isRef(pem.public_key)) {
    try {
      createPublicKey(pem.public_key);
    } catch (err) {
      report(ctx, row, ['pem', 'public_key'], `invalid key: ${(err as Error).message}`);
    }
  }
};

const checkJwt: Check = (row, ctx) => {
  const v = row.value;
  const alg = v.algorithm as string;
  if (/^(RS|PS|ES)|EdDSA/.test(alg)) {
    if (v.rsa_public_key === null) report(ctx, row, 'rsa_public_key', 'required field missing', `algorithm ${alg} needs a public key`);
    else {
      try {
        createPublicKey(v.rsa_public_key as string);
      } catch {
        report(ctx, row, 'rsa_public_key', 'invalid key');
      }
    }
  }
};

function checkVaultRefs(row: FlatRow, base: (string | number)[], value: unknown, ctx: CheckContext): void {
  for (const ref of findVaultRefs(value)) {
    const resolved = resolveVaultRef(ref.ref, ctx.env);
    if (!resolved.ok) report(ctx, row, [...base, ...ref.path], resolved.error, resolved.hint);
  }
}

export const ENTITY_CHECKS: Readonly<Record<string, Check>> = {
  services: checkService,
  routes: checkRoute,
  consumers: checkConsumer,
  plugins: checkPlugin,
  upstreams: checkUpstream,
  targets: checkTarget,
  certificates: checkCertificate,
  ca_certificates: checkCaCertificate,
  vaults: checkVault,
  keys: checkKey,
  jwt_secrets: checkJwt,
};

export function runChecks(rows: FlatRows, ctx: CheckContext): void {
  for (const [name, list] of rows) {
    const check = ENTITY_CHECKS[name];
    if (check) for (const row of list) check(row, ctx);
  }
  checkDuplicateTargets(rows.get('targets') ?? [], ctx);
  checkRouteServices(rows.get('routes') ?? [], rows.get('services') ?? [], ctx);
}

/**
 * Kong EE's routes DAO: WebSocket routes need a service, and ws/wss routes and services pair only with each
 * other. A route mixing ws and other protocols is already refused (mutually exclusive sets) and is skipped.
 */
function checkRouteServices(routes: readonly FlatRow[], services: readonly FlatRow[], ctx: CheckContext): void {
  const protocolOf = new Map(services.map((s) => [s.value.id as string, s.value.protocol as string]));
  for (const row of routes) {
    const protocols = row.value.protocols as string[];
    if (protocols.some(isWebSocketProtocol) && !protocols.every(isWebSocketProtocol)) continue;
    const service = row.value.service as { id: string } | null;
    const serviceProtocol = service === null ? null : (protocolOf.get(service.id) ?? null);
    const p = routeServiceProtocolProblem(protocols, serviceProtocol);
    if (!p) continue;
    // The service may be far away in the file: the hint says what each side is.
    const hint = serviceProtocol === null ? 'nest the route under a ws or wss service, or set its service' : `route protocols [${protocols.join(', ')}], service protocol '${serviceProtocol}'`;
    report(ctx, row, p.field, p.message, p.hint ?? hint);
  }
}

/** Two targets of one upstream naming the same host and port (`10.0.0.1` and `10.0.0.1:8000` included). */
function checkDuplicateTargets(targets: readonly FlatRow[], ctx: CheckContext): void {
  const seen = new Map<string, string>();
  for (const row of targets) {
    const t = row.value.target as string;
    const parsed = parseTarget(t);
    const upstream = (row.value.upstream as { id: string } | null)?.id;
    if (!parsed || !upstream) continue;
    const key = `${upstream} ${parsed.host.toLowerCase()} ${parsed.port}`;
    const first = seen.get(key);
    if (first !== undefined) {
      report(ctx, row, 'target', `target '${t}' is already declared for this upstream (as '${first}')`, 'remove one of them or merge their weights');
    } else seen.set(key, t);
  }
}

/** Kong's `parameters` (primary key `key`): accepted from `kong config db_export` and not served, but one per key. */
export function checkIgnoredCollections(doc: Readonly<Record<string, unknown>>, problems: FieldProblem[]): void {
  for (const c of IGNORED_COLLECTIONS) {
    const list = doc[c.name];
    if (!Array.isArray(list)) continue;
    const seen = new Set<string>();
    list.forEach((rec, i) => {
      const k = (rec as Record<string, unknown> | null)?.[c.key];
      if (typeof k !== 'string') return;
      if (seen.has(k)) {
        problems.push({ path: [c.name, i, c.key], message: `uniqueness violation: '${c.name}' entity with primary key set to '${k}' already declared` });
      }
      seen.add(k);
    });
  }
}
