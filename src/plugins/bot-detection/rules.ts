/**
 * sluice's built-in list of User-Agents that identify robots rather than people: search and AI crawlers, SEO and
 * uptime probes, link-preview fetchers, HTTP libraries and cloud SDKs used by scripts, and anything that names
 * itself a bot, spider or crawler. Browsers and curl are not on it. Written for sluice; it covers the same
 * families as Kong's list without being that list.
 */
export const BOT_PATTERNS: readonly RegExp[] = [
  // Search engines and AI crawlers.
  /Googlebot|Google-InspectionTool|GoogleOther|AdsBot-Google|Mediapartners-Google|APIs-Google|bingbot|BingPreview|msnbot|Yahoo! Slurp|DuckDuckBot|Baiduspider|YandexBot|Sogou|Exabot|SeznamBot|Applebot|PetalBot|Bytespider|GPTBot|ChatGPT-User|OAI-SearchBot|CCBot|ClaudeBot|Claude-Web|anthropic-ai|PerplexityBot|Amazonbot|ia_archiver|archive\.org_bot|heritrix|Nutch|Scrapy/i,
  // SEO tools and monitoring probes.
  /AhrefsBot|SemrushBot|MJ12bot|DotBot|rogerbot|BLEXBot|DataForSeoBot|serpstatbot|Pingdom|UptimeRobot|StatusCake|Site24x7/i,
  // Link previews in social networks and chat apps.
  /facebookexternalhit|facebookcatalog|Facebot|Twitterbot|LinkedInBot|Slackbot|Slack-ImgProxy|Discordbot|TelegramBot|WhatsApp|Pinterestbot|redditbot|Embedly|SkypeUriPreview/i,
  // HTTP client libraries and cloud SDKs.
  /Apache-HttpClient|Go-http-client|Python-urllib|okhttp|axios|Google-HTTP-Java-Client|WinHTTP|scalaj-http|unirest-|aws-cli|aws-sdk-|Boto3?\/|s3fs/i,
  // Self-declared robots: "NameBot/1.2", "Some Spider 2.0", "...Crawler", "...scraper".
  /[\w-]*(?:bot|spider|crawler|scraper|indexer|archiver)[/ ]v?\d/i,
  /spider|crawl|scrape/i,
];

export function isKnownBot(userAgent: string): boolean {
  for (const re of BOT_PATTERNS) if (re.test(userAgent)) return true;
  return false;
}
