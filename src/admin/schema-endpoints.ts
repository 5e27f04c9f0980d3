/**
 * `/schemas/...` (Kong: api/routes/kong.lua, api/routes/plugins.lua). Kong's paths answer in Kong's format;
 * sluice's generated JSON Schemas (what editors and `schemas/*.json` use) live under `/schemas/json/...`.
 */
import type { AdminRequest } from './context.js';
import { type AdminResponse, message, ok } from './responses.js';
import type { RouteSpec } from './route-table.js';

type Spec = RouteSpec<AdminRequest>;

const found = (doc: unknown, missing: string): AdminResponse => (doc == null ? message(404, missing) : ok(doc));
const noEntity = (name: string) => `No entity named '${name}'`;
const noPlugin = (name: string) => `No plugin named '${name}'`;

export function schemaRoutes(): Spec[] {
  return [
    { pattern: '/schemas/{entity}', get: (req, [name]) => found(req.schemas.kongEntity(name!), noEntity(name!)) },
    { pattern: '/schemas/plugins/{name}', get: (req, [name]) => found(req.schemas.kongPlugin(name!), noPlugin(name!)) },
    // Deprecated in Kong (removal in 4.0): the config record's fields alone.
    { pattern: '/plugins/schema/{name}', get: (req, [name]) => found(req.schemas.kongPluginConfig(name!), noPlugin(name!)) },
    { pattern: '/schemas/json', get: (req) => ok(req.schemas.jsonDocument()) },
    { pattern: '/schemas/json/{entity}', get: (req, [name]) => found(req.schemas.jsonEntity(name!), noEntity(name!)) },
    { pattern: '/schemas/json/plugins/{name}', get: (req, [name]) => found(req.schemas.jsonPlugin(name!), noPlugin(name!)) },
  ];
}
