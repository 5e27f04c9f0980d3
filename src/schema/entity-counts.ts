import type { Entities } from './index.js';

/**
 * Non-empty collections and their sizes, in registry order: what `sluice validate`, the start-up line and
 * every reload line report. Consumer-group membership rows are relations, not entities a file declares.
 */
export function entityCounts(entities: Entities): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(entities)) if (k !== 'consumer_group_members' && v.length > 0) out[k] = v.length;
  return out;
}
