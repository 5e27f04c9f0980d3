/** Config-time route checks, in Kong's words (Kong's kong/db/schema/entities/routes.lua). */
import t from 'tap';
import { checkRouteHeaderValue, checkRouteHost, checkRoutePath } from '../../src/router/index.js';

t.test('checkRoutePath', async (t) => {
  const cases: [path: string, error: string | null][] = [
    ['/ok', null],
    ['/ok/', null],
    ['/', null],
    ['/a b', null], // outside RFC 3986: Kong skips its percent check, and the path is normalized
    ['/~user/%2F', null],
    ['~/users/(?<id>\\d+)$', null],
    ['~/users/(?P<id>\\d+)$', null],
    ['~/(?i)foo', null],
    ['~/[[:alpha:]]+', null],
    ['', 'length must be at least 1'],
    ['abc', 'should start with: / (fixed path) or ~/ (regex path)'],
    ['~abc', 'should start with: / (fixed path) or ~/ (regex path)'],
    ['/a//b', 'must not have empty segments'],
    ['abc//', 'must not have empty segments'],
    ['~/a//b', 'must not have empty segments'],
    ['/a%zz', "invalid url-encoded value: '%zz'"],
    ['/a%2', "invalid url-encoded value: '%2'"],
    ['~/a%', null], // regex paths never pass Kong's RFC 3986 test, so its percent check never runs
    ['/a/../b', "non-normalized path, consider use '/b' instead"],
    ['/..', "non-normalized path, consider use '/' instead"],
    ['/fo%6F', "non-normalized path, consider use '/foo' instead"],
    ['/a%2f', "non-normalized path, consider use '/a%2F' instead"],
    ['/caf%C3%A9', "non-normalized path, consider use '/café' instead"],
    ['/a/.', "non-normalized path, consider use '/a/' instead"],
  ];
  for (const [p, want] of cases) t.equal(checkRoutePath(p), want, p);

  const regexErrors: [path: string, error: string][] = [
    ['~/a(b', "invalid regex: '/a(b' ("],
    ['~/(?=x)', "invalid regex: '/(?=x)' (look-around assertions are not supported)"],
    ['~/(?<!x)y', "invalid regex: '/(?<!x)y' (look-around assertions are not supported)"],
    ['~/(a)\\1', "invalid regex: '/(a)\\1' (backreferences are not supported)"],
    ['~/(?P<n>a)(?P=n)', 'backreferences are not supported'],
    ['~/a(?i)b', 'inline flags are only supported'],
    ['~/[[:^alpha:]]', 'negated POSIX classes are not supported'],
    ['~/\\Qx', "escape sequence '\\Q' is not supported"],
  ];
  for (const [p, want] of regexErrors) t.match(checkRoutePath(p) ?? '', want, p);
});

t.test('checkRouteHost', async (t) => {
  const cases: [host: string, error: string | null][] = [
    ['example.com', null],
    ['example.com:8080', null],
    ['*.example.com', null],
    ['example.*', null],
    // Kong spec/01-unit/01-db/01-schema/06-routes_spec.lua "accepts hosts with valid wildcard" (3.0 … 3.9, master):
    ['*.example.org:321', null],
    ['*.route.net:123', null],
    ['*.example.com:8443', null],
    ['10.0.0.1', null],
    ['10.0.0.1:80', null],
    ['[::1]', null],
    ['[::1]:8000', null],
    ['::1', null],
    ['under_score.com', null],
    ['-lead.com', null],
    ['', 'length must be at least 1'],
    ['*', 'invalid wildcard: must be placed at leftmost or rightmost label'],
    ['a.*.com', 'invalid wildcard: must be placed at leftmost or rightmost label'],
    ['*.*.com', 'invalid wildcard: must have at most one wildcard'],
    ['ex*ample.com', 'invalid wildcard: must be placed at leftmost or rightmost label'],
    // Kong's hosts typedef: match_any { "^%*%.", "%.%*$", "^[^*]*$" } — a port after `.*` fails all three, so
    // Kong refuses `route.*:123` in a config although its router could match it (router_spec builds it directly).
    ['example.*:8080', 'invalid wildcard: must be placed at leftmost or rightmost label'],
    ['route.*:123', 'invalid wildcard: must be placed at leftmost or rightmost label'],
    ['*.route.net:99999', 'invalid port number'],
    ['*.route.net:', 'invalid hostname: abc.route.net:'],
    ['exa mple.com', 'invalid hostname: exa mple.com'],
    ['*.exa mple.com', 'invalid hostname: abc.exa mple.com'],
    ['trail-.com', 'invalid hostname: trail-.com'],
    ['a..com', 'invalid hostname: a..com'],
    ['example.com:99999', 'invalid port number'],
    ['256.0.0.1', 'invalid ipv4 address: 256.0.0.1'],
    ['[::1]x', 'invalid ipv6 address'],
    ['1:2:3', 'invalid ipv6 address: 1:2:3'],
  ];
  for (const [h, want] of cases) t.equal(checkRouteHost(h), want, h);
});

t.test('checkRouteHeaderValue', async (t) => {
  t.equal(checkRouteHeaderValue('plain'), null);
  t.equal(checkRouteHeaderValue('~*^v\\d+$'), null);
  t.match(checkRouteHeaderValue('~*(') ?? '', /^Router Expression failed validation: invalid regex: '\('/);
  t.match(checkRouteHeaderValue('~*(?=a)') ?? '', 'look-around');
});
