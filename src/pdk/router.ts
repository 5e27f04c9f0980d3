import type { RoutePlan, ServicePlan } from './proxy-plan.js';
import { enter, Namespace } from './namespace.js';
import { rules } from './phase-rules.js';

const R = rules('kong.router');

/** kong.router: the route matched and its service (from access on: routing happens after rewrite). */
export class PdkRouter extends Namespace {
  get_route(): RoutePlan | null {
    return enter(this, R.get_route).route;
  }

  get_service(): ServicePlan | null {
    return enter(this, R.get_service).service;
  }
}
