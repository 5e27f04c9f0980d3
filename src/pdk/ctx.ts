import { enter, Namespace } from './namespace.js';
import { rules } from './phase-rules.js';

const R = rules('kong.ctx');

/**
 * kong.ctx: per-request tables. `shared` is common to every plugin of the request; `plugin` is private to the
 * plugin instance that is running and kept across its phases. Neither exists outside a request (Kong returns
 * nil in the certificate phase); sluice says so instead of handing out a table that is thrown away.
 */
export class PdkCtx extends Namespace {
  get shared(): Record<string, unknown> {
    return enter(this, R.shared).shared;
  }

  get plugin(): Record<string, unknown> {
    const s = enter(this, R.plugin);
    const id = s.currentPlugin?.id ?? '';
    const all = (s.pluginCtx ??= new Map());
    let ns = all.get(id);
    if (ns === undefined) {
      ns = {};
      all.set(id, ns);
    }
    return ns;
  }
}
