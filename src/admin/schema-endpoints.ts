/**
 * `/schemas/...` (Kong: api/routes/kong.lua, api/routes/plugins.lua). Kong's paths answer in Kong's format;
 * sluice's generated JSON Schemas (what editors and `schemas/*.json` use) live under `/schemas/json/...`;
 * `POST /schemas/{entity}/validate` checks one record.
 */
import { ENTITY_BY_NAME, type EntityName } from '../schema/index.js';
import type { AdminRequest } from './context.js';
import { type AdminResponse, message, ok } from './responses.js';
import type { RouteSpec } from './route-table.js';
import { validateEntity } from './validate-entity.js';

type Spec = RouteSpec<AdminRequest>;

const found = (doc: unknown, missing: string): AdminResponse => (doc == null ? message(404, missing) : ok(doc));
const noEntity = (name: string) => `No entity named '${name}'`;
const noPlugin = (name: string) => `No plugin named '${name}'`;

export function schemaRoutes(): Spec[] {
  return [
    { pattern: '/schemas/{entity}', get: (req, [name]) => found(req.schemas.kongEntity(name!), noEntity(name!)) },
    // Kong answers these in DB-less mode too: checking a record needs no database.
    { pattern: '/schemas/{entity}/validate', write: { POST: (req, [name]) => validate(req, name!) } },
    { pattern: '/schemas/plugins/validate', write: { POST: (req) => validate(req, 'plugins') } },
    { pattern: '/schemas/plugins/{name}', get: (req, [name]) => found(req.schemas.kongPlugin(name!), noPlugin(name!)) },
    // Deprecated in Kong (removal in 4.0): the config record's fields alone.
    { pattern: '/plugins/schema/{name}', get: (req, [name]) => found(req.schemas.kongPluginConfig(name!), noPlugin(name!)) },
    { pattern: '/schemas/json', get: (req) => ok(req.schemas.jsonDocument()) },
    { pattern: '/schemas/json/{entity}', get: (req, [name]) => found(req.schemas.jsonEntity(name!), noEntity(name!)) },
    { pattern: '/schemas/json/plugins/{name}', get: (req, [name]) => found(req.schemas.jsonPlugin(name!), noPlugin(name!)) },
  ];
}

function validate(req: AdminRequest, name: string): AdminResponse {
  const def = ENTITY_BY_NAME.get(name as EntityName);
  if (!def) return message(404, noEntity(name));
  const body = jsonBody(req);
  return 'error' in body ? body.error : validateEntity(def, body.value);
}

/**
 * The record a validate call sends (Kong api_helpers before_filter and parse_params): JSON, or nothing at all;
 * sluice does not decode form bodies, which Kong also takes.
 */
function jsonBody(req: AdminRequest): { value: Record<string, unknown> } | { error: AdminResponse } {
  const body = req.body;
  if (body === null || (body.bytes !== null && body.bytes.length === 0)) return { value: {} };
  if (body.bytes === null) return { error: message(413, 'Request body too large') };
  const type = body.contentType?.toLowerCase() ?? '';
  if (!type.startsWith('application/json')) {
    const form = type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
    return { error: message(415, form ? "Unsupported media type (sluice's Admin API reads application/json bodies)" : 'Unsupported media type') };
  }
  try {
    const value = JSON.parse(body.bytes.toString('utf8')) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { value: value as Record<string, unknown> };
  } catch {
    // answered below
  }
  return { error: message(400, 'Cannot parse JSON body') };
}
