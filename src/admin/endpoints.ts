/** The Admin API's whole route table, built once per server. */
import type { AdminRequest } from './context.js';
import { entityRoutes } from './entity-endpoints.js';
import { nodeRoutes } from './node-endpoints.js';
import { compileRoutes, type RouteTable } from './route-table.js';
import { schemaRoutes } from './schema-endpoints.js';

export function buildAdminRoutes(): RouteTable<AdminRequest> {
  // `/endpoints` lists the table it belongs to, so it reads the patterns once they exist.
  let patterns: readonly string[] = [];
  const table = compileRoutes<AdminRequest>([...nodeRoutes(() => patterns), ...schemaRoutes(), ...entityRoutes()]);
  patterns = table.patterns;
  return table;
}
