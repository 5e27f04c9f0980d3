import type { Route, Service } from '../schema/index.js';
import { enter, Namespace } from './namespace.js';
import { rules } from './phase-rules.js';

const R = rules('kong.router');

/**
 * kong.router: the route matched and its service, as the entities Kong returns (every field, the service as
 * `{ id }` on the route), from access on: routing happens after rewrite. Frozen: they belong to the snapshot.
 */
export class PdkRouter extends Namespace {
  get_route(): Route | null {
    return enter(this, R.get_route).route?.entity ?? null;
  }

  get_service(): Service | null {
    return enter(this, R.get_service).service?.entity ?? null;
  }
}
