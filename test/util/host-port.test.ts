/** One reading of host[:port] text, and each rule built on it: nginx's $host and validation, Kong's router split, listen addresses. */
import t from 'tap';
import { parseListen } from '../../src/proxy/server.js';
import { routerHostPort } from '../../src/router/host-port.js';
import { requestHost, splitHostPort, validHost, withoutBrackets } from '../../src/util/host-port.js';

t.test('splitHostPort: where the host ends (nginx), and whether a port follows', async (t) => {
  const rows: [text: string, host: string, port: number | null, rest: string][] = [
    ['example.com', 'example.com', null, ''],
    ['example.com:8000', 'example.com', 8000, ':8000'],
    ['example.com:0', 'example.com', 0, ':0'],
    ['example.com:65535', 'example.com', 65535, ':65535'],
    ['example.com:65536', 'example.com', null, ':65536'], // not a port
    ['example.com:123456', 'example.com', null, ':123456'],
    ['example.com:', 'example.com', null, ':'],
    ['example.com:80a', 'example.com', null, ':80a'],
    ['example.com:-1', 'example.com', null, ':-1'],
    ['example.com:+80', 'example.com', null, ':+80'],
    ['example.com: 80', 'example.com', null, ': 80'],
    ['example.com:80:90', 'example.com', null, ':80:90'],
    ['example.com.', 'example.com.', null, ''], // the trailing dot is the host's
    ['example.com.:8000', 'example.com.', 8000, ':8000'],
    [':8000', '', 8000, ':8000'],
    ['', '', null, ''],
    ['*.example.com:9000', '*.example.com', 9000, ':9000'],
    ['example.*:9000', 'example.*', 9000, ':9000'],
    ['10.0.0.1:80', '10.0.0.1', 80, ':80'],
    ['[::1]', '[::1]', null, ''],
    ['[::1]:8000', '[::1]', 8000, ':8000'],
    ['[::1]:', '[::1]', null, ':'],
    ['[::1]x', '[::1]', null, 'x'], // nginx ignores what follows the literal
    ['[::1', '[::1', null, ''], // an unterminated literal is all host
    ['[2001:db8::1]:443', '[2001:db8::1]', 443, ':443'],
    ['::1', '', null, '::1'], // a bare IPv6 address is not host:port text: its first ':' starts the rest
    ['a[::1]:80', 'a[', null, '::1]:80'], // '[' opens a literal only as the first character
  ];
  for (const [text, host, port, rest] of rows) t.same(splitHostPort(text), { host, port, rest }, JSON.stringify(text));
});

t.test('withoutBrackets', async (t) => {
  const rows: [string, string][] = [
    ['[::1]', '::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[]', ''],
    ['[', '['],
    ['example.com', 'example.com'],
  ];
  for (const [host, want] of rows) t.equal(withoutBrackets(host), want, host);
});

t.test("requestHost: nginx's $host", async (t) => {
  const rows: [header: string | undefined, host: string][] = [
    [undefined, ''],
    ['', ''],
    ['Example.COM', 'example.com'],
    ['Example.COM:8000', 'example.com'],
    ['example.com.', 'example.com'], // nginx drops the trailing dot of a fully qualified name
    ['example.com.:8000', 'example.com'],
    ['example.com:bogus', 'example.com'], // nginx keeps the host whatever follows the ':'
    ['[::1]:8000', '[::1]'],
    ['[::ABCD]', '[::abcd]'],
    ['10.0.0.1:80', '10.0.0.1'],
  ];
  for (const [header, want] of rows) t.equal(requestHost(header), want, JSON.stringify(header));
});

t.test('validHost: ngx_http_validate_host', async (t) => {
  const rows: [text: string, valid: boolean][] = [
    ['example.com', true],
    ['example.com:8000', true],
    ['example.com.', true],
    ['example.com:bogus', true], // nginx does not check the port
    ['[::1]:8000', true],
    ['[::1', true],
    ['a', true],
    ['a.', true],
    ['', false],
    ['.', false],
    [':8000', false],
    ['.:8000', false],
    ['::1', false], // nothing before the first ':'
    ['a..b', false],
    ['a:1..2', false], // two dots in a row anywhere, the port included
    ['a/b', false],
    ['a\\b', false],
    ['a:80/', false],
    ['a\0b', false],
  ];
  for (const [text, valid] of rows) t.equal(validHost(text), valid, JSON.stringify(text));
});

t.test("routerHostPort: Kong's split_host_port (first ':', numeric rest)", async (t) => {
  const rows: [text: string, host: string, port: number | null][] = [
    ['example.com', 'example.com', null],
    ['example.com:8000', 'example.com', 8000],
    ['example.com:08000', 'example.com', 8000],
    ['example.com:99999', 'example.com', 99999], // Kong's tonumber: a port no route can name, still not the host
    ['example.com:80a', 'example.com:80a', null], // not a number: all host
    ['example.com:', 'example.com:', null],
    ['*.route.net:123', '*.route.net', 123],
    ['route.*:123', 'route.*', 123],
    ['[::1]', '[::1]', null],
    ['[::1]:8000', '[::1]:8000', null], // the first ':' is inside the brackets
    ['::1', '::1', null],
  ];
  for (const [text, host, port] of rows) t.same(routerHostPort(text), { host, port }, text);
});

t.test('parseListen: Kong-style listen addresses', async (t) => {
  const rows: [spec: string, want: { host: string; port: number } | RegExp][] = [
    ['0.0.0.0:8000', { host: '0.0.0.0', port: 8000 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    [' 127.0.0.1:8001 ', { host: '127.0.0.1', port: 8001 }],
    ['[::1]:8000', { host: '::1', port: 8000 }],
    ['localhost:9000', { host: 'localhost', port: 9000 }],
    ['8000', { host: '0.0.0.0', port: 8000 }],
    [':8000', { host: '0.0.0.0', port: 8000 }],
    ['localhost', /invalid listen address 'localhost'/],
    ['0.0.0.0:', /bad port ''/],
    ['0.0.0.0:99999', /bad port '99999'/],
    ['0.0.0.0:80x', /bad port '80x'/],
    ['99999', /bad port '99999'/],
    ['[]:8000', /invalid listen address/],
    ['[::1', /invalid listen address/],
    ['::1:8000', /invalid listen address/], // an IPv6 address needs its brackets
  ];
  for (const [spec, want] of rows) {
    if (want instanceof RegExp) t.throws(() => parseListen(spec), want, spec);
    else t.same(parseListen(spec), want, spec);
  }
});
