import t from 'tap';
import { findBySni, sniCandidates } from '../../src/tls/certificate-lookup.js';

t.test('names tried for a server name, in Kong order', async (t) => {
  const cases: [string, string[]][] = [
    ['a.example.com', ['a.example.com', '*.example.com', 'a.example.*', '*']],
    ['A.Example.COM', ['a.example.com', '*.example.com', 'a.example.*', '*']],
    ['example.com', ['example.com', '*.com', 'example.*', '*']],
    ['localhost', ['localhost', '*']],
  ];
  for (const [name, want] of cases) t.same(sniCandidates(name), want, name);
});

t.test('selection: exact, then suffix wildcard, then prefix wildcard, then *, else default', async (t) => {
  const full = new Map([
    ['a.example.com', 'exact'],
    ['*.example.com', 'suffix'],
    ['a.example.*', 'prefix'],
    ['*', 'any'],
  ]);
  const cases: [Map<string, string>, string | null, string | null][] = [
    [full, 'a.example.com', 'exact'],
    [full, 'b.example.com', 'suffix'],
    [full, 'a.example.org', 'prefix'],
    [full, 'other.test', 'any'],
    [full, null, null], // no SNI → default certificate
    [new Map([['*.example.com', 'suffix']]), 'x.y.example.com', null], // one level only
    [new Map([['*.example.com', 'suffix']]), 'example.com', null],
    [new Map([['a.example.*', 'prefix']]), 'a.example.co.uk', null],
    [new Map<string, string>(), 'a.example.com', null],
  ];
  for (const [map, sni, want] of cases) t.equal(findBySni(map, sni), want, `${sni} in [${[...map.keys()].join(', ')}]`);
});
