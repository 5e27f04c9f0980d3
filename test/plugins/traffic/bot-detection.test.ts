import t from 'tap';
import { gatewayWithService } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const FACEBOOK = 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)';

t.test('bot-detection through a gateway', async (t) => {
  const { gw } = await gatewayWithService(t, `
      - name: plain
        paths: [/plain]
        plugins:
          - name: bot-detection
      - name: lists
        paths: [/lists]
        plugins:
          - name: bot-detection
            config: { allow: [facebookexternalhit], deny: ["^HelloWorld", "(?i)evil"] }
`);
  const ua = (path: string, agent?: string) => request(gw.port, path, agent === undefined ? {} : { headers: { 'user-agent': agent } });
  const cases: [string, string | undefined, number][] = [
    ['/plain', undefined, 200],
    ['/plain', CHROME, 200],
    ['/plain', 'curl/8.5.0', 200],
    ['/plain', 'HelloWorld', 200],
    ['/plain', GOOGLEBOT, 403],
    ['/plain', 'Googlebot/2.1 (+http://www.google.com/bot.html)', 403],
    ['/plain', FACEBOOK, 403],
    ['/plain', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 403],
    ['/plain', 'Go-http-client/1.1', 403],
    ['/plain', 'SomeCrawler 3.1', 403],
    ['/lists', FACEBOOK, 200],
    ['/lists', 'HelloWorld', 403],
    ['/lists', 'say HelloWorld', 200],
    ['/lists', CHROME, 200],
    ['/lists', GOOGLEBOT, 403],
  ];
  for (const [path, agent, status] of cases) {
    const res = await ua(path, agent);
    t.equal(res.status, status, `${path} ${agent ?? '(no user-agent)'}`);
    if (status === 403) t.equal(res.json().message, 'Forbidden');
  }
  // Cached verdicts answer the same the second time.
  t.equal((await ua('/plain', GOOGLEBOT)).status, 403);
  t.equal((await ua('/plain', CHROME)).status, 200);
});
