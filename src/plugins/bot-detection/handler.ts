import { definePlugin } from '../define.js';
import { compilePcre } from './pcre.js';
import { isKnownBot } from './rules.js';
import { schema } from './schema.js';

interface Config {
  allow: string[];
  deny: string[];
}

const CACHE_SIZE = 10_000;

export default definePlugin<Config>({
  schema,
  create(config) {
    const allow = config.allow.map((r) => compilePcre(r));
    const deny = config.deny.map((r) => compilePcre(r));
    // Verdicts by User-Agent: clients repeat theirs, so most requests skip the regexes.
    const verdicts = new Map<string, boolean>();

    function refused(userAgent: string): boolean {
      const ua = userAgent.trim();
      if (allow.some((re) => re.test(ua))) return false;
      if (deny.some((re) => re.test(ua))) return true;
      return isKnownBot(ua);
    }

    return {
      access(kong) {
        const ua = kong.request.get_header('user-agent');
        if (ua === null) return;
        let refuse = verdicts.get(ua);
        if (refuse === undefined) {
          refuse = refused(ua);
          if (verdicts.size >= CACHE_SIZE) verdicts.delete(verdicts.keys().next().value!);
          verdicts.set(ua, refuse);
        }
        if (refuse) kong.response.error(403);
      },
    };
  },
});
