/** normalizePath and escapeUpstreamPath (Kong's kong/tools/uri.lua normalize). */
import t from 'tap';
import { escapeUpstreamPath, normalizePath } from '../../src/router/index.js';

t.test('normalizePath', async (t) => {
  const cases: [raw: string, normalized: string | null][] = [
    // Kong's kong/tools/uri.lua normalize examples
    ['/foo%3a', '/foo%3A'],
    ['/fo%6F', '/foo'],
    ['/foo/./bar/../baz', '/foo/baz'],
    ['/foo//bar', '/foo/bar'],
    // untouched
    ['/', '/'],
    ['/plain/path', '/plain/path'],
    ['/file.json', '/file.json'],
    ['/a/.hidden', '/a/.hidden'],
    ['/route./req', '/route./req'],
    ['/route../req', '/route../req'],
    // reserved characters stay encoded, upper-cased
    ['/a%2fb', '/a%2Fb'],
    ['/a%3F%23%25', '/a%3F%23%25'],
    ['/%2541', '/%2541'],
    // unreserved and "other" characters are decoded
    ['/%7Euser', '/~user'],
    ['/a%20b', '/a b'],
    ['/caf%C3%A9', '/café'],
    ['/caf%c3%a9', '/café'],
    ['/%F0%9F%98%80', '/😀'],
    ['/bad%FFutf8', '/bad%FFutf8'],
    ['/half%C3', '/half%C3'],
    // dot segments, also encoded ones; a trailing one leaves a slash
    ['/%2e%2E/x', null],
    ['/a/%2e%2E/x', '/x'],
    ['/a/%2E/x', '/a/x'],
    ['/a/b/..', '/a/'],
    ['/a/.', '/a/'],
    ['/a/b/../', '/a/'],
    ['/a//..//b', '/b'],
    ['///', '/'],
    ['/a/b/../../c', '/c'],
    // nginx answers 400 before Kong routes
    ['/..', null],
    ['/../x', null],
    ['/a/../../b', null],
    ['/a%2F..%2F..%2Fb', null],
    ['/bad%zz', null],
    ['/bad%2', null],
    ['/nul%00', null],
    ['relative', null],
    ['', null],
  ];
  for (const [raw, want] of cases) t.equal(normalizePath(raw), want, raw);
});

t.test('escapeUpstreamPath', async (t) => {
  const cases: [string, string][] = [
    ['/plain/path', '/plain/path'],
    ['/a b', '/a%20b'],
    ['/café', '/caf%C3%A9'],
    ['/😀', '/%F0%9F%98%80'],
    ['/keep%2F', '/keep%2F'],
    ["/sub-delims!$&'()*+,;=:@", "/sub-delims!$&'()*+,;=:@"],
    ['/quote"<>', '/quote%22%3C%3E'],
    ['/tab\t', '/tab%09'],
  ];
  for (const [input, want] of cases) t.equal(escapeUpstreamPath(input), want, input);
});

t.test('normalize then escape round-trips what Kong sends upstream', async (t) => {
  const cases: [string, string][] = [
    ['/caf%C3%A9', '/caf%C3%A9'],
    ['/a%20b', '/a%20b'],
    ['/a%2fb', '/a%2Fb'],
    ['/bad%FF', '/bad%FF'],
    ['/fo%6F', '/foo'],
  ];
  for (const [raw, want] of cases) t.equal(escapeUpstreamPath(normalizePath(raw)!), want, raw);
});
