import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger, type LogLevel } from '../../src/log/logger.js';
import { Counts, REDACTED, redact } from '../../src/log/redact.js';

/** A stream that keeps every line written to it. */
function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(line);
      cb();
    },
  });
  return { stream, lines };
}

function jsonLogger(level: LogLevel = 'debug') {
  const { stream, lines } = capture();
  const logger = createLogger({ level, format: 'json', stream });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, entries };
}

t.test('JSON format: one line per entry, time/level/msg first, then fields', async (t) => {
  const { logger, lines, entries } = jsonLogger('info');
  logger.info('started', { port: 8000, tls: false });
  t.equal(lines.length, 1);
  t.match(lines[0], /^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","msg":"started","port":8000,"tls":false\}$/);
  logger.warn('no fields');
  t.same(Object.keys(entries()[1]!), ['time', 'level', 'msg']);
  // Fields cannot overwrite the entry's own keys.
  logger.info('real', { msg: 'fake', level: 'debug' });
  t.match(entries()[2], { msg: 'real', level: 'info', field_msg: 'fake', field_level: 'debug' });
});

t.test('levels: entries below the level are dropped; setLevel and isEnabled agree', async (t) => {
  const levels: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  for (const threshold of levels) {
    const { logger, entries } = jsonLogger(threshold);
    for (const l of levels) logger[l](`at ${l}`);
    const expected = levels.slice(levels.indexOf(threshold));
    t.same(
      entries().map((e) => e.level),
      expected,
      `threshold ${threshold}`,
    );
    t.same(
      levels.map((l) => logger.isEnabled(l)),
      levels.map((l) => expected.includes(l)),
    );
    t.equal(logger.level, threshold);
  }
  const { logger, entries } = jsonLogger('error');
  logger.info('hidden');
  logger.setLevel('debug');
  t.equal(logger.level, 'debug');
  logger.debug('shown');
  t.same(
    entries().map((e) => e.msg),
    ['shown'],
  );
});

t.test('defaults: level info, JSON, stderr', async (t) => {
  const logger = createLogger({});
  t.equal(logger.level, 'info');
  t.notOk(logger.isEnabled('debug'));
});

t.test('disabled levels do not touch the fields', async (t) => {
  const { logger, lines } = jsonLogger('warn');
  const fields = {
    get expensive(): string {
      throw new Error('fields must not be read');
    },
  };
  logger.debug('x', fields);
  logger.info('x', fields);
  t.equal(lines.length, 0);
});

t.test('child loggers add fields and share the level with the parent', async (t) => {
  const { logger, entries } = jsonLogger('info');
  const child = logger.child({ plugin: 'key-auth', plugin_id: 'p1' });
  const grandchild = child.child({ phase: 'access' });
  child.info('from child', { request_id: 'r1' });
  grandchild.warn('from grandchild', { plugin: 'override' });
  t.match(entries()[0], { msg: 'from child', plugin: 'key-auth', plugin_id: 'p1', request_id: 'r1' });
  t.match(entries()[1], { plugin: 'override', plugin_id: 'p1', phase: 'access' });
  child.debug('hidden');
  logger.setLevel('debug');
  t.equal(child.level, 'debug');
  t.equal(grandchild.level, 'debug');
  grandchild.debug('now shown');
  t.equal(entries().length, 3);
  child.setLevel('error');
  t.equal(logger.level, 'error');
});

t.test('text format: <ISO> LEVEL msg key=value', async (t) => {
  const { stream, lines } = capture();
  const logger = createLogger({ level: 'debug', format: 'text', stream });
  logger.warn('upstream failure', { kind: 'timeout', tries: 3, ok: false, note: 'two words', obj: { a: 1 }, none: null });
  t.match(
    lines[0],
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN upstream failure kind=timeout tries=3 ok=false note="two words" obj=\{"a":1\} none=null$/,
  );
  const pretty = capture();
  createLogger({ format: 'pretty', stream: pretty.stream }).info('hello');
  t.match(pretty.lines[0], / INFO hello$/);
  const auto = capture();
  createLogger({ format: 'auto', stream: auto.stream }).info('hello');
  t.match(auto.lines[0], /^\{"time"/, 'auto is JSON when the stream is not a terminal');
});

const vault = '{vault://env/my-secret}';

const REDACTION_CASES: { name: string; fields: Record<string, unknown>; expect: Record<string, unknown> }[] = [
  { name: 'password', fields: { password: 'hunter2' }, expect: { password: REDACTED } },
  { name: 'case-insensitive', fields: { DB_PASSWORD: 'x', Authorization: 'Bearer abc' }, expect: { DB_PASSWORD: REDACTED, Authorization: REDACTED } },
  { name: 'secret/token', fields: { client_secret: 's', access_token: 't', token: 1 }, expect: { client_secret: REDACTED, access_token: REDACTED, token: REDACTED } },
  { name: 'exact key', fields: { key: 'k', key_names: ['apikey'], monkey: 'banana' }, expect: { key: REDACTED, key_names: ['apikey'], monkey: 'banana' } },
  { name: 'api keys', fields: { apikey: 'a', 'x-api-key': 'b', api_key: 'c' }, expect: { apikey: REDACTED, 'x-api-key': REDACTED, api_key: REDACTED } },
  { name: 'certificate keys', fields: { private_key: 'pem', cert_key: 'pem', cert: 'public' }, expect: { private_key: REDACTED, cert_key: REDACTED, cert: 'public' } },
  { name: 'credentials', fields: { credentials: { username: 'u' } }, expect: { credentials: REDACTED } },
  {
    name: 'nested objects and arrays',
    fields: { config: { plugins: [{ name: 'x', config: { password: 'p', ttl: 5 } }] } },
    expect: { config: { plugins: [{ name: 'x', config: { password: REDACTED, ttl: 5 } }] } },
  },
  {
    name: 'vault references anywhere in strings',
    fields: { url: `postgres://u:${vault}@db`, list: [vault, 'plain'] },
    expect: { url: `postgres://u:${REDACTED}@db`, list: [REDACTED, 'plain'] },
  },
  {
    name: 'counts by entity name are numbers, not secrets; the name alone still redacts',
    fields: { entities: new Counts({ services: 2, keyauth_credentials: 3 }), keyauth_credentials: 3 },
    expect: { entities: { services: 2, keyauth_credentials: 3 }, keyauth_credentials: REDACTED },
  },
  { name: 'plain values untouched', fields: { port: 8000, on: true, nothing: null, name: 'svc' }, expect: { port: 8000, on: true, nothing: null, name: 'svc' } },
];

for (const c of REDACTION_CASES) {
  t.test(`redaction: ${c.name}`, async (t) => {
    const { logger, lines, entries } = jsonLogger();
    logger.info('entry', c.fields);
    t.same(entries()[0], { time: entries()[0]!.time, level: 'info', msg: 'entry', ...c.expect });
    // The secret values themselves never appear in the output.
    for (const [k, v] of Object.entries(c.fields)) {
      if (typeof v === 'string' && c.expect[k] === REDACTED) t.notOk(lines[0]!.includes(`"${v}"`), `${k} value absent`);
    }
  });
}

t.test('redaction: the message itself and text format', async (t) => {
  const { stream, lines } = capture();
  const logger = createLogger({ level: 'info', format: 'text', stream });
  logger.info(`resolving ${vault}`, { password: 'hunter2', headers: { authorization: 'Basic eA==' } });
  t.notOk(lines[0]!.includes('hunter2'));
  t.notOk(lines[0]!.includes('eA=='));
  t.notOk(lines[0]!.includes('vault://'));
  t.match(lines[0], /resolving \[redacted\] password=\[redacted\] headers=\{"authorization":"\[redacted\]"\}/);
});

t.test('redaction: child-bound fields are redacted too', async (t) => {
  const { logger, lines } = jsonLogger();
  logger.child({ token: 'abc123' }).info('x');
  t.notOk(lines[0]!.includes('abc123'));
});

t.test('errors become {message, stack}', async (t) => {
  const { logger, entries } = jsonLogger();
  const err = new Error(`cannot read ${vault}`);
  logger.error('failed', { error: err, nested: { cause: new TypeError('bad') } });
  const e = entries()[0]!;
  t.same(Object.keys(e.error as object), ['message', 'stack']);
  t.match(e.error, { message: `cannot read ${REDACTED}`, stack: /^Error: cannot read \[redacted\]/ });
  t.match(e.nested, { cause: { message: 'bad', stack: /TypeError: bad/ } });
});

t.test('odd values are serialised safely', async (t) => {
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  const deep: Record<string, unknown> = {};
  let cur = deep;
  for (let i = 0; i < 20; i++) {
    const next: Record<string, unknown> = {};
    cur.next = next;
    cur = next;
  }
  const { logger, entries } = jsonLogger();
  logger.info('odd', {
    cyclic,
    deep,
    big: 10n,
    fn: () => 1,
    when: new Date(0),
    buf: Buffer.from('secret bytes'),
    map: new Map([['password', 'p']]),
    set: new Set([vault]),
    skipped: undefined,
  });
  const e = entries()[0]!;
  t.same(e.cyclic, { name: 'loop', self: '[circular]' });
  t.match(JSON.stringify(e.deep), /\[truncated\]/);
  t.equal(e.big, '10');
  t.notOk('fn' in e);
  t.notOk('skipped' in e);
  t.equal(e.when, '1970-01-01T00:00:00.000Z');
  t.equal(e.buf, '[buffer 12 bytes]');
  t.same(e.map, { password: REDACTED });
  t.same(e.set, [REDACTED]);
  // A value reached twice without a cycle is written both times.
  const shared = { a: 1 };
  t.same(redact({ x: shared, y: shared }), { x: { a: 1 }, y: { a: 1 } });
});

t.test('a failing stream does not throw', async (t) => {
  const stream = new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });
  stream.write = () => {
    throw new Error('EPIPE');
  };
  const logger = createLogger({ stream });
  t.doesNotThrow(() => logger.error('still fine'));
});
