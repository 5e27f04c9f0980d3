/**
 * syslog to a real unix datagram socket standing in for the daemon's /dev/log (Kong:
 * kong/plugins/syslog/handler.lua, lsyslog's openlog("kong", LOG_PID, facility) + syslog(level, json)): each
 * datagram is `<PRI>Mmm dd hh:mm:ss kong[pid]: <json>` as glibc writes it, PRI = facility * 8 + the severity of
 * the response's status class, nothing below log_level; no daemon listening costs no request.
 */
import t from 'tap';
import { createLogger } from '../../../src/log/logger.js';
import { SyslogSink } from '../../../src/plugins/log-common/syslog-sink.js';
import { gatewayWithService, until, waitFor } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { unixDatagramReceiver } from './receivers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON record, read field by field
type Rec = Record<string, any>;

const quiet = createLogger({ level: 'error', format: 'json', stream: process.stderr });
const DATAGRAM = /^<(\d+)>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) kong\[(\d+)\]: (.*)$/s;


t.test('SyslogSink: one datagram per message, as glibc syslog(3) with LOG_PID writes it', async (t) => {
  const rx = await unixDatagramReceiver(t);
  const sink = new SyslogSink(rx.path, quiet);
  t.teardown(() => sink.close(1000));
  const json = JSON.stringify({ a: 'x'.repeat(3000), nl: 'line\nbreak' });
  sink.send(14, json);
  sink.send(11, '{"b":2}');
  await waitFor('two datagrams', () => rx.datagrams.length === 2, 10_000);
  const [first, second] = rx.datagrams.map((d) => DATAGRAM.exec(d));
  t.ok(first && second, `syslog(3)'s shape: ${rx.datagrams[0]!.slice(0, 60)}`);
  t.equal(first![1], '14', 'user.info');
  t.equal(first![3], String(process.pid), "the gateway's pid, as LOG_PID");
  t.equal(first![4], json, 'a long message whole, not cut at 1 KiB');
  t.equal(second![1], '11', 'user.err');
  await sink.close(1000);
});

t.test('SyslogSink: no daemon listening costs nothing and throws nothing', async (t) => {
  const sink = new SyslogSink(`${t.testdir()}/no-such-socket`, quiet);
  for (let i = 0; i < 10; i++) sink.send(14, '{}');
  await sink.close(1000);
  t.pass('sent into the void, as syslog(3) does without a daemon');
});

const SEVERITY_ROUTES = `
    - name: sys
      paths: [/sys]
      plugins:
        - name: syslog
          config:
            facility: local3
            log_level: notice
            successful_severity: notice
            client_errors_severity: warning
            server_errors_severity: crit
    - name: quiet
      paths: [/quiet]
      plugins:
        - name: syslog
          config: { log_level: err, successful_severity: info, client_errors_severity: err }
`;

t.test('syslog plugin: the priority of each status class, nothing below log_level', async (t) => {
  const rx = await unixDatagramReceiver(t);
  const { gw } = await gatewayWithService(t, SEVERITY_ROUTES, {
    handler: (req, res) => res.writeHead(Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200)).end(),
    gateway: { logSinks: { syslogSocket: rx.path } },
  });
  for (const status of [200, 302, 404, 503]) t.equal((await request(gw.port, `/sys?status=${status}`)).status, status);
  for (const status of [200, 404]) await request(gw.port, `/quiet?status=${status}`);
  await waitFor('five datagrams', () => rx.datagrams.length === 5, 10_000);
  await until(() => false, 200);
  const got = rx.datagrams.map((d) => {
    const m = DATAGRAM.exec(d)!;
    const rec = JSON.parse(m[4]!) as Rec;
    return [rec.request.uri, Number(m[1])];
  });
  // local3 = 19: 19 * 8 = 152; notice 5, warning 4, crit 2, err 3.
  t.same(got, [
    ['/sys?status=200', 157],
    ['/sys?status=302', 157],
    ['/sys?status=404', 156],
    ['/sys?status=503', 154],
    ['/quiet?status=404', 11],
  ]);
  t.equal(rx.datagrams.length, 5, 'info is below log_level err: not sent');
});

t.test('syslog plugin: no daemon listening costs no request', async (t) => {
  const { gw } = await gatewayWithService(t, SEVERITY_ROUTES, {
    gateway: { logSinks: { syslogSocket: `${t.testdir()}/none` } },
  });
  for (let i = 0; i < 5; i++) t.equal((await request(gw.port, '/sys')).status, 200);
});
