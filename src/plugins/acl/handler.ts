import type { Pdk } from '../../pdk/kong.js';
import { AUTHENTICATED_GROUPS, CONSUMER_GROUPS } from '../auth/consumer-headers.js';
import { aclGroupsByConsumer } from '../auth/credential-index.js';
import { definePlugin } from '../define.js';
import { type AclConfig, schema } from './schema.js';
import { type AclRule, decide, type Verdict } from './decide.js';

const FORBIDDEN = 'You cannot consume this service';

/** Groups another plugin authenticated (Kong: ctx.shared.authenticated_groups, e.g. from ldap-auth). */
function authenticatedGroups(kong: Pdk): readonly string[] | null {
  const groups = kong.ctx.shared.authenticated_groups;
  return Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : null;
}

export default definePlugin<AclConfig>({
  schema,
  create(config, ctx) {
    const deny = (config.deny ?? []).length > 0;
    const rule: AclRule = {
      deny,
      groups: new Set((deny ? config.deny : config.allow) ?? []),
      hideGroupsHeader: config.hide_groups_header,
    };
    // Every consumer's verdict is known at load: a request only looks its consumer up.
    const byConsumer = new Map<string, Verdict>();
    for (const [consumerId, groups] of aclGroupsByConsumer(ctx.entities)) byConsumer.set(consumerId, decide(rule, groups));
    // A consumer without groups passes a deny rule and fails an allow rule.
    const noGroups = deny ? decide(rule, []) : null;

    function refuse(kong: Pdk): void {
      // Kong: 403 once someone authenticated with a credential, 401 otherwise.
      if (kong.client.get_credential() !== null) kong.response.error(403, FORBIDDEN);
      else kong.response.error(401);
    }

    function apply(kong: Pdk, verdict: Verdict, header: string): void {
      if (verdict.blocked) {
        kong.response.error(403, FORBIDDEN);
        return;
      }
      if (verdict.header !== null && kong.router.get_service() !== null) kong.service.request.set_header(header, verdict.header);
    }

    return {
      access(kong) {
        const credential = kong.client.get_credential();
        const consumerId = kong.client.get_consumer()?.id ?? credential?.consumer_id ?? null;
        // Groups from another plugin decide when there is no consumer, or an anonymous one, or when asked to.
        const groups = consumerId === null || credential === null || config.always_use_authenticated_groups ? authenticatedGroups(kong) : null;
        if (groups !== null) return apply(kong, decide(rule, groups), AUTHENTICATED_GROUPS);
        if (consumerId === null) return refuse(kong);
        const verdict = byConsumer.get(consumerId) ?? noGroups;
        if (verdict === null) return refuse(kong);
        apply(kong, verdict, CONSUMER_GROUPS);
      },
    };
  },
});
