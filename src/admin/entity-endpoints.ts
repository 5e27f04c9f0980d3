/**
 * Entity endpoints, derived from the schema registry the way Kong derives them from its DAOs
 * (kong/api/endpoints.lua): `/E`, `/E/{E}`, `/E/{E}/fk` (the parent), `/P/{P}/E` and `/P/{P}/E/{E}`.
 * Reads answer from the precomputed views; writes get DB-less refusals (kong/db/strategies/off).
 */
import { ENTITIES, type EntityDef, type EntityName } from '../schema/index.js';
import type { AdminRequest } from './context.js';
import { matchesTags, pageBody, paginate, paginateByIndex, parsePageQuery, type PageQuery } from './paging.js';
import { type AdminResponse, daoError, noContent, notFound, ok, message, unsupported } from './responses.js';
import type { Handler, RouteSpec, WriteMethod } from './route-table.js';
import { upstreamHealth } from './upstream-health.js';
import { childrenOf, type CollectionView, findRow, foreignId, type Row, shown } from '../snapshot/admin-views.js';

type Spec = RouteSpec<AdminRequest>;

/** Kong names nested credential endpoints after the plugin (`/consumers/{c}/key-auth`), not the DAO. */
const NESTED_SEGMENT: Partial<Record<EntityName, string>> = {
  keyauth_credentials: 'key-auth',
  basicauth_credentials: 'basic-auth',
  jwt_secrets: 'jwt',
  hmacauth_credentials: 'hmac-auth',
  acls: 'acls',
};

/** Kong disables these (api/routes/targets.lua, api/routes/snis.lua): they answer 404. */
const NO_TOP_LEVEL = new Set<EntityName>(['targets']);
const NO_PARENT_ENDPOINT = new Set(['targets.upstream', 'snis.certificate']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function entityRoutes(): Spec[] {
  const specs: Spec[] = [];
  for (const def of ENTITIES) {
    const A = def.adminName;
    if (!NO_TOP_LEVEL.has(def.name)) {
      specs.push({
        pattern: `/${A}`,
        get: (req) => (def.name === 'consumers' && req.query.has('custom_id') ? consumerByCustomId(req) : list(req, def.name, null)),
        write: { POST: () => refuseCreate(def.name) },
      });
      specs.push({
        pattern: `/${A}/{${def.name}}`,
        get: (req, [x]) => {
          const row = findRow(view(req, def.name), x!);
          return row ? ok(show(req, def.name, row)) : notFound;
        },
        write: entityWrites(def.name, (req, [x]) => findRow(view(req, def.name), x!)),
      });
      for (const fk of def.foreignKeys) {
        if (NO_PARENT_ENDPOINT.has(`${def.name}.${fk.field}`)) continue;
        const parentOf = (req: AdminRequest, x: string): Row | undefined => {
          const row = findRow(view(req, def.name), x);
          const parentId = row ? foreignId(row[fk.field]) : null;
          return parentId === null ? undefined : view(req, fk.entity).byId.get(parentId);
        };
        specs.push({
          pattern: `/${A}/{${def.name}}/${fk.field}`,
          get: (req, [x]) => {
            const parent = parentOf(req, x!);
            return parent ? ok(show(req, fk.entity, parent)) : notFound;
          },
          write: entityWrites(fk.entity, (req, [x]) => parentOf(req, x!), ['PUT', 'PATCH', 'DELETE']),
        });
      }
    }
    for (const child of def.children) specs.push(...childRoutes(def, child.entity, child.fk));
  }
  specs.push(...membershipRoutes());
  return specs.map((s) => (s.pattern.startsWith(CERTIFICATE_PARAM) ? sniNamedCertificate(s) : s));
}

const CERTIFICATE_PARAM = '/certificates/{certificates}';

/**
 * Kong api/routes/certificates.lua (prepare_params, before every method of `/certificates/{c}`,
 * `/certificates/{c}/snis` and `/certificates/{c}/snis/{s}`): a `{c}` that is not a UUID is the name of an SNI
 * and stands for that SNI's certificate; an unknown name is 404 "SNI not found", except for PUT, which Kong
 * turns into a create under a new id.
 */
function sniNamedCertificate(spec: Spec): Spec {
  const wrap = (h: Handler<AdminRequest> | undefined, put = false): Handler<AdminRequest> | undefined =>
    h &&
    ((req, params) => {
      const [x, ...rest] = params;
      if (x === undefined || UUID.test(x)) return h(req, params);
      const sni = view(req, 'snis').byKey.get(x);
      const id = sni ? foreignId(sni['certificate']) : null;
      if (id === null) return put ? h(req, params) : message(404, 'SNI not found');
      return h(req, [id, ...rest]);
    });
  const write: Partial<Record<WriteMethod, Handler<AdminRequest>>> = {};
  for (const [m, h] of Object.entries(spec.write ?? {}) as [WriteMethod, Handler<AdminRequest>][]) write[m] = wrap(h, m === 'PUT')!;
  const get = wrap(spec.get);
  return { pattern: spec.pattern, ...(get ? { get } : {}), ...(spec.write ? { write } : {}) };
}

/**
 * Consumer-group membership (Kong Enterprise's `consumer_group_consumers`), both ways: a group's consumers and
 * a consumer's groups. Memberships come from the config file, so adding one over HTTP is refused.
 */
function membershipRoutes(): Spec[] {
  const refuse = () => unsupported("cannot create 'consumer_group_consumers' entities when not using a database");
  const group = (req: AdminRequest, x: string) => findRow(view(req, 'consumer_groups'), x);
  const consumer = (req: AdminRequest, x: string) => findRow(view(req, 'consumers'), x);
  const none: readonly Row[] = [];
  return [
    {
      pattern: '/consumer_groups/{consumer_groups}/consumers',
      get: (req, [x]) => {
        const g = group(req, x!);
        return g ? list(req, 'consumers', req.snap.admin.groupMembers.get(g.id) ?? none) : notFound;
      },
      write: { POST: (req, [x]) => (group(req, x!) ? refuse() : notFound) },
    },
    {
      pattern: '/consumers/{consumers}/consumer_groups',
      get: (req, [x]) => {
        const c = consumer(req, x!);
        return c ? list(req, 'consumer_groups', req.snap.admin.groupsOfConsumer.get(c.id) ?? none) : notFound;
      },
      write: { POST: (req, [x]) => (consumer(req, x!) ? refuse() : notFound) },
    },
  ];
}

function childRoutes(parent: EntityDef, childName: EntityName, fk: string): Spec[] {
  const P = parent.adminName;
  const childDef = ENTITIES.find((e) => e.name === childName)!;
  const segment = (parent.name === 'consumers' && NESTED_SEGMENT[childName]) || childDef.adminName;
  const base = `/${P}/{${parent.name}}/${segment}`;
  const parentRow = (req: AdminRequest, x: string) => findRow(view(req, parent.name), x);
  const childRow = (req: AdminRequest, [x, y]: readonly string[]) => {
    const p = parentRow(req, x!);
    return p ? findRow(view(req, childName), y!, { field: fk, id: p.id }) : undefined;
  };
  const getChild: Handler<AdminRequest> = (req, params) => {
    const row = childRow(req, params);
    return row ? ok(show(req, childName, row)) : notFound;
  };
  const specs: Spec[] = [
    {
      pattern: base,
      get: (req, [x]) => {
        const p = parentRow(req, x!);
        if (!p) return notFound;
        const rows = childrenOf(view(req, childName), fk, p.id);
        return childName === 'targets' ? listTargets(req, rows) : list(req, childName, rows);
      },
      write: { POST: (req, [x]) => (parentRow(req, x!) ? refuseCreate(childName) : notFound) },
    },
    { pattern: `${base}/{${childName}}`, get: getChild, write: entityWrites(childName, childRow) },
  ];
  if (childName === 'targets') {
    specs.push(
      {
        pattern: `${base}/all`,
        get: (req, [x]) => {
          const p = parentRow(req, x!);
          return p ? listTargets(req, childrenOf(view(req, 'targets'), fk, p.id)) : notFound;
        },
      },
      {
        pattern: `/${P}/{${parent.name}}/health`,
        get: (req, [x]) => {
          const p = parentRow(req, x!);
          if (!p) return notFound;
          const targets = childrenOf(view(req, 'targets'), fk, p.id);
          const live = req.snap.upstreamHealth(p.id);
          return ok(upstreamHealth(p, targets, req.node.nodeId, req.query.get('balancer_health'), live));
        },
      },
    );
  }
  return specs;
}

export function view(req: AdminRequest, name: EntityName): CollectionView {
  return req.snap.admin.collections.get(name)!;
}

function show(req: AdminRequest, name: EntityName, row: Row): Row {
  return shown(view(req, name), row, req.exposeSecrets);
}

/** A collection page; `rows` = a parent's children (nested endpoint) or null for the whole collection. */
function list(req: AdminRequest, name: EntityName, rows: readonly Row[] | null): AdminResponse {
  const q = parsePageQuery(req.query);
  if (!q.ok) return q.error;
  const all = filterTags(rows ?? view(req, name).rows, q.value);
  const page = paginate(all, (r) => r.id, q.value);
  if (!page.ok) return page.error;
  const v = view(req, name);
  // Only collections that can carry secrets pay for a copy of the page.
  const data = v.redacted === null || req.exposeSecrets ? page.value.data : page.value.data.map((r) => shown(v, r, false));
  return ok(pageBody({ ...page.value, data }, req.path, q.value, rows !== null));
}

function listTargets(req: AdminRequest, rows: readonly Row[]): AdminResponse {
  const q = parsePageQuery(req.query);
  if (!q.ok) return q.error;
  const page = paginateByIndex(filterTags(rows, q.value), q.value);
  if (!page.ok) return page.error;
  return ok(pageBody(page.value, req.path, q.value, true));
}

function filterTags(rows: readonly Row[], q: PageQuery): readonly Row[] {
  const filter = q.tags;
  return filter ? rows.filter((r) => matchesTags(r['tags'], filter)) : rows;
}

function consumerByCustomId(req: AdminRequest): AdminResponse {
  const c = req.snap.admin.consumersByCustomId.get(req.query.get('custom_id') ?? '');
  return ok({ data: c ? [c] : [], next: null });
}

function refuseCreate(name: EntityName): AdminResponse {
  return unsupported(`cannot create '${name}' entities when not using a database`);
}

/**
 * DB-less refusals for writes to one entity (Kong checks existence first: PATCH of a missing entity is 404,
 * DELETE of a missing one is a no-op 204).
 */
function entityWrites(
  name: EntityName,
  find: (req: AdminRequest, params: readonly string[]) => Row | undefined,
  methods: readonly WriteMethod[] = ['PUT', 'PATCH', 'DELETE'],
): Partial<Record<WriteMethod, Handler<AdminRequest>>> {
  const key = ENTITIES.find((e) => e.name === name)!.endpointKey;
  const given = (params: readonly string[]) => params[params.length - 1] ?? '';
  const all: Record<Exclude<WriteMethod, 'POST'>, Handler<AdminRequest>> = {
    PUT: (_req, params) => {
      const x = given(params);
      const by = UUID.test(x) || key === null ? '' : ` by '${key}'`;
      return unsupported(`cannot create or update '${name}' entities${by} when not using a database`);
    },
    PATCH: (req, params) => {
      if (find(req, params)) return unsupported(`cannot update '${name}' entities when not using a database`);
      const x = given(params);
      return UUID.test(x) || key === null
        ? daoError(404, 6, 'not found', `could not find the entity with primary key '{id="${x}"}'`, { fields: { id: x } })
        : daoError(404, 6, 'not found', `could not find the entity with '${key}'='${x}'`, { fields: { [key]: x } });
    },
    DELETE: (req, params) =>
      find(req, params) ? unsupported(`cannot remove '${name}' entities when not using a database`) : noContent,
  };
  const out: Partial<Record<WriteMethod, Handler<AdminRequest>>> = {};
  for (const m of methods) if (m !== 'POST') out[m] = all[m];
  return out;
}
