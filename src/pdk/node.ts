import { ENV, enter, Namespace } from './namespace.js';
import { rules } from './phase-rules.js';

const R = rules('kong.node');

/** kong.node: this gateway's identity (any phase). */
export class PdkNode extends Namespace {
  get_id(): string {
    enter(this, R.get_id);
    return this[ENV].nodeId;
  }

  get_hostname(): string {
    enter(this, R.get_hostname);
    return this[ENV].hostname;
  }
}
