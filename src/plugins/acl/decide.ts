/**
 * One ACL decision: `blocked`, or let through with the groups to report upstream (`header`, null when hidden).
 */
export type Verdict = { readonly blocked: true } | { readonly blocked: false; readonly header: string | null };

export interface AclRule {
  /** Kong: a non-empty deny list makes the rule a deny rule; otherwise it is an allow rule. */
  readonly deny: boolean;
  readonly groups: ReadonlySet<string>;
  readonly hideGroupsHeader: boolean;
}

export const BLOCKED: Verdict = Object.freeze({ blocked: true });

export function decide(rule: AclRule, groups: readonly string[]): Verdict {
  const inGroup = groups.some((g) => rule.groups.has(g));
  if (rule.deny === inGroup) return BLOCKED;
  return { blocked: false, header: rule.hideGroupsHeader || groups.length === 0 ? null : groups.join(', ') };
}
