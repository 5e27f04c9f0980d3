import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { compilePcre } from '../../../src/plugins/bot-detection/pcre.js';
import { isKnownBot } from '../../../src/plugins/bot-detection/rules.js';
import { trackerId } from '../../../src/plugins/correlation-id/generators.js';
import { normalizeOrigin, originResolver } from '../../../src/plugins/cors/origins.js';
import { ipMatcher, parseIpOrCidr } from '../../../src/plugins/ip-restriction/ip-list.js';
import { decide } from '../../../src/plugins/rate-limiting/usage.js';
import { windowStarts } from '../../../src/plugins/rate-limiting/windows.js';
import { BodyLimitExceeded, createBodyLimiter } from '../../../src/plugins/request-size-limiting/body-limiter.js';

t.test('windowStarts: UTC calendar windows', async (t) => {
  const now = Date.UTC(2024, 1, 29, 13, 45, 30, 700); // leap day
  const s = windowStarts(now);
  t.equal(s.second, Date.UTC(2024, 1, 29, 13, 45, 30));
  t.equal(s.minute, Date.UTC(2024, 1, 29, 13, 45));
  t.equal(s.hour, Date.UTC(2024, 1, 29, 13));
  t.equal(s.day, Date.UTC(2024, 1, 29));
  t.equal(s.month, Date.UTC(2024, 1, 1));
  t.equal(s.year, Date.UTC(2024, 0, 1));
  t.equal(windowStarts(now + 100), s, 'same second, same object');
});

t.test('decide: Kong headers and refusal', async (t) => {
  const now = Date.UTC(2024, 0, 1, 10, 0, 20);
  const starts = windowStarts(now);
  const minuteHour = [
    { period: 'minute', limit: 3 },
    { period: 'hour', limit: 10 },
  ] as const;
  const cases: { name: string; used: number[]; exceeded: boolean; headers: Record<string, string> }[] = [
    {
      name: 'first request',
      used: [0, 0],
      exceeded: false,
      headers: {
        'X-RateLimit-Limit-Minute': '3',
        'X-RateLimit-Remaining-Minute': '2',
        'X-RateLimit-Limit-Hour': '10',
        'X-RateLimit-Remaining-Hour': '9',
        'RateLimit-Limit': '3',
        'RateLimit-Remaining': '2',
        'RateLimit-Reset': '40',
      },
    },
    {
      name: 'minute exhausted',
      used: [3, 5],
      exceeded: true,
      headers: {
        'X-RateLimit-Remaining-Minute': '0',
        'X-RateLimit-Remaining-Hour': '5',
        'RateLimit-Limit': '3',
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': '40',
        'Retry-After': '40',
      },
    },
    {
      name: 'tie on remaining: the longer window wins',
      used: [1, 8],
      exceeded: false,
      headers: { 'RateLimit-Limit': '10', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '3580' },
    },
  ];
  for (const c of cases) {
    const v = decide(minuteHour, c.used, now, starts, false);
    t.equal(v.exceeded, c.exceeded, c.name);
    const got = Object.fromEntries(v.headers);
    for (const [k, want] of Object.entries(c.headers)) t.equal(got[k], want, `${c.name}: ${k}`);
    if (!c.exceeded) t.notOk(got['Retry-After'], `${c.name}: no Retry-After`);
  }
  t.same(decide(minuteHour, [3, 0], now, starts, true), { exceeded: true, headers: [] }, 'hidden headers');
  const lastSecond = decide([{ period: 'second', limit: 1 }], [0], now, starts, false);
  t.equal(Object.fromEntries(lastSecond.headers)['RateLimit-Reset'], '1', 'reset is at least 1');
});

t.test('cors origins', async (t) => {
  t.same(normalizeOrigin('http://A.example:80'), { domain: 'http://A.example', host: 'A.example' });
  t.same(normalizeOrigin('https://a.example:8443/path'), { domain: 'https://a.example:8443', host: 'a.example' });
  t.same(normalizeOrigin('null'), { domain: 'null', host: 'null' });
  const r = originResolver(['https://a.example', 'https?://.*\\.b\\.example(:\\d+)?', 'c|d\\.example']);
  const cases: [string | null, string | null][] = [
    ['https://a.example', 'https://a.example'],
    ['https://a.example:443', 'https://a.example'],
    ['http://a.example', null],
    ['http://x.b.example:8080', 'http://x.b.example:8080'],
    ['http://x.b.example.evil', null],
    ['http://c', 'http://c'],
    ['http://d.example', 'http://d.example'],
    ['http://cx', 'http://cx'], // Kong anchors the start but only the last alternative gets `$`
    [null, null],
  ];
  for (const [origin, want] of cases) t.equal(r(origin).allowOrigin, want, String(origin));
  t.same(originResolver(null)('http://x'), { allowOrigin: '*', allowAll: true, vary: false });
  t.same(originResolver(['http://x', '*'])('http://y'), { allowOrigin: '*', allowAll: true, vary: true });
  t.equal(originResolver(['(?i)HTTP://UPPER\\.example'])('http://upper.example').allowOrigin, 'http://upper.example');
});

t.test('ip matcher', async (t) => {
  t.same(parseIpOrCidr('10.0.0.0/8'), { addr: '10.0.0.0', bits: 8, type: 'ipv4' });
  for (const bad of ['10.0.0.0/33', '::/129', 'host', '1.2.3.4/', '1.2.3.4/x', '300.0.0.1']) t.equal(parseIpOrCidr(bad), null, bad);
  const m = ipMatcher(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', '::1']);
  const cases: [string, boolean][] = [
    ['10.1.2.3', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['2001:db8:1::5', true],
    ['2001:db9::1', false],
    ['::1', true],
    ['::ffff:10.9.9.9', true],
    ['', false],
  ];
  for (const [ip, want] of cases) t.equal(m(ip), want, ip || '(empty)');
});

t.test('built-in bot list', async (t) => {
  const bots = [
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'facebookexternalhit/1.1',
    'Twitterbot/1.0',
    'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)',
    'Apache-HttpClient/4.5.13 (Java/11.0.1)',
    'Go-http-client/2.0',
    'python-urllib/3.11',
    'aws-sdk-go/1.44.0',
    'Pingdom.com_bot_version_1.4',
    'MyCrawler/1.0',
  ];
  const people = [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
    'Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
    'curl/8.5.0',
    'PostmanRuntime/7.37.0',
  ];
  for (const ua of bots) t.ok(isKnownBot(ua), `bot: ${ua}`);
  for (const ua of people) t.notOk(isKnownBot(ua), `not a bot: ${ua}`);
});

t.test('compilePcre', async (t) => {
  t.ok(compilePcre('(?i)abc').test('xABCx'));
  t.notOk(compilePcre('abc').test('ABC'));
  t.equal(compilePcre('(?i)abc', 'y').flags, 'iy');
});

t.test('correlation-id tracker layout', async (t) => {
  t.equal(trackerId({ serverAddr: '10.0.0.1', serverPort: 8000, pid: 42, connection: 7, connectionRequests: 3, now: 1700000000.1234 }), '10.0.0.1-8000-42-7-3-1700000000.123');
});

t.test('body limiter: streams up to the limit, cuts off at the first chunk over it', async (t) => {
  const run = async (chunks: string[], limit: number) => {
    const got: string[] = [];
    let exceeded: BodyLimitExceeded | null = null;
    const sink = new Writable({
      write(c: Buffer, _e, cb) {
        got.push(c.toString());
        cb();
      },
    });
    const err = await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), createBodyLimiter(limit, (e) => (exceeded = e)), sink).then(
      () => null,
      (e: Error) => e,
    );
    return { got, err, exceeded };
  };
  const ok = await run(['abc', 'def'], 6);
  t.same(ok.got, ['abc', 'def']);
  t.equal(ok.err, null);
  t.equal(ok.exceeded, null);
  const over = await run(['abc', 'defg', 'hij'], 6);
  t.same(over.got, ['abc'], 'the crossing chunk is not forwarded');
  t.type(over.err, BodyLimitExceeded);
  t.equal((over.err as BodyLimitExceeded).status, 413);
  t.ok(over.exceeded, 'onExceeded called');
});
