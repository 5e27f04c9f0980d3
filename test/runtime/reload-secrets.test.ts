/**
 * Secrets never leave through a failed reload. A running gateway serves a config holding one secret of every
 * kind sluice knows (src/log/secret-fields.ts, plus values vault references resolve to); each case reloads a
 * broken copy whose error quotes a secret (or sits beside them), and asserts that no secret, nor any
 * 8-character piece of one, appears in the captured log, the reload outcome, `GET /status` or any other Admin
 * API answer, while `sluice validate` on the same file still shows what it quotes (Kong's validate does).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { parse, stringify } from 'yaml';
import { createLogger } from '../../src/log/logger.js';
import { ConfigInvalidError, startGateway } from '../../src/runtime/gateway.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { request } from '../helpers/http.js';

const example = parse(readFileSync('examples/13-certificates-and-snis.yaml', 'utf8')) as { certificates: { cert: string; key: string }[] };
const { cert, key: certKey } = example.certificates[0]!;

const KEY = 'sk_live_7fQ2mZ9xVb3nT8wL';
const SHORT_KEY = 'k9z';
const PASSWORD = 'hunter2-basicPw-4f8a';
const HMAC = 'hmacKey-Zq81vX-c2d9';
const JWT = 'jwtSig-Lp09wE-77ab';
const REDIS = 'redisPw-Mn55uY-e1f0';
const JWK = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'j1' };
const JWK_D = JWK.d!;
const VAULT = 'vaultVal-Qq77Rr-9b3c';
const VAULT_BAD = 'vaultBad-Ww44Xx-0d6e';
const PEM_LINES = certKey.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
const SECRETS = [KEY, SHORT_KEY, PASSWORD, HMAC, JWT, REDIS, JWK_D, VAULT, VAULT_BAD, ...PEM_LINES];

process.env.SLUICE_T_URI = `/${VAULT}`;
process.env.SLUICE_T_BAD_URI = `/${VAULT_BAD}/$(nope)`;

/**
 * No secret whole, and no 8-character piece of a longer one (a shorter one only where it stands alone). A piece
 * the public certificate has too is not secret: a PKCS#8 key and its certificate share the algorithm's DER.
 */
function leaked(text: string): string[] {
  return SECRETS.filter((s) => {
    if (s.length >= 8) {
      for (let i = 0; i + 8 <= s.length; i++) {
        const piece = s.slice(i, i + 8);
        if (text.includes(piece) && !cert.replace(/\n/g, '').includes(piece)) return true;
      }
      return false;
    }
    return new RegExp(`(?<![A-Za-z0-9])${s}(?![A-Za-z0-9])`).test(text);
  });
}

type Doc = Record<string, unknown>;

/** The serving config: every secret in its place, all valid. */
function base(): Doc {
  return {
    _format_version: '3.0',
    certificates: [{ cert, key: certKey, snis: [{ name: 'shop.example.test' }] }],
    key_sets: [{ name: 'set-1' }],
    keys: [{ name: 'jwk-key', kid: 'j1', set: 'set-1', jwk: JSON.stringify(JWK) }],
    consumers: [
      {
        username: 'alice',
        keyauth_credentials: [{ key: KEY }, { key: SHORT_KEY }],
        basicauth_credentials: [{ username: 'alice-b', password: PASSWORD }],
        hmacauth_credentials: [{ username: 'alice-h', secret: HMAC }],
        jwt_secrets: [{ key: 'alice-iss', secret: JWT }],
      },
      { username: 'bob' },
    ],
    services: [
      {
        name: 'svc',
        url: 'http://127.0.0.1:9',
        routes: [
          { name: 'open', paths: ['/open'], plugins: [{ name: 'request-termination', config: { status_code: 200 } }] },
          {
            name: 'limited',
            paths: ['/limited'],
            plugins: [{ name: 'rate-limiting', config: { minute: 5, policy: 'redis', redis: { host: '127.0.0.1', password: REDIS } } }],
          },
          { name: 'rewritten', paths: ['/rewritten'], plugins: [{ name: 'request-transformer', config: { replace: { uri: '{vault://env/SLUICE_T_URI}' } } }] },
        ],
      },
    ],
    upstreams: [{ name: 'pool', targets: [{ target: '127.0.0.1:9' }] }],
  };
}

const consumers = (d: Doc) => d.consumers as Doc[];
const routes = (d: Doc) => ((d.services as Doc[])[0]!.routes as Doc[]);

interface Case {
  readonly name: string;
  readonly change: (d: Doc) => void;
  /** What `sluice validate` prints of the secret (absent: validate has nothing to say, the file loads). */
  readonly validateShows?: string;
  /** The failure is in compiling, not loading. */
  readonly compile?: true;
}

const CASES: Case[] = [
  {
    name: 'uniqueness: a key-auth key declared twice',
    change: (d) => void (consumers(d)[1]!.keyauth_credentials = [{ key: KEY }]),
    validateShows: `key set to '${KEY}'`,
  },
  {
    name: 'uniqueness: a short key declared twice',
    change: (d) => void (consumers(d)[1]!.keyauth_credentials = [{ key: SHORT_KEY }]),
    validateShows: `key set to '${SHORT_KEY}'`,
  },
  {
    name: 'reference: the key written where the consumer goes',
    change: (d) => void (d.plugins = [{ name: 'acl', consumer: KEY, config: { allow: ['x'] } }]),
    validateShows: `invalid reference 'consumer: ${KEY}'`,
  },
  {
    name: "schema '{value}': the key inside a tag",
    change: (d) => void (consumers(d)[0]!.tags = [`owner/${KEY}`]),
    validateShows: `invalid tag 'owner/${KEY}'`,
  },
  {
    name: 'plugin config check: the key in a template value',
    change: (d) => void (routes(d)[0]!.plugins = [{ name: 'request-transformer', config: { add: { querystring: [`apikey:${KEY}$(oops)`] } } }]),
    validateShows: `value '${KEY}$(oops)' is not in supported format`,
  },
  {
    name: 'plugin config check beside a Redis password',
    change: (d) => void ((routes(d)[1]!.plugins as Doc[])[0]!.config = { second: 10, minute: 5, policy: 'redis', redis: { host: '127.0.0.1', password: REDIS } }),
  },
  {
    name: 'entity check: a JWK that is not JSON (the parser quotes its input)',
    // V8: Unexpected token 'x', ..."-256","d":x<first 9 characters of d>"... is not valid JSON
    change: (d) => void ((d.keys as Doc[])[0]!.jwk = JSON.stringify(JWK).replace(`"d":"${JWK_D}"`, `"d":x${JWK_D}`)),
    validateShows: `"d":x${JWK_D.slice(0, 9)}`,
  },
  {
    name: 'vault reference errors beside a resolved value',
    change: (d) => void (routes(d)[0]!.plugins = [{ name: 'request-transformer', config: { add: { headers: ['{vault://env/SLUICE_T_MISSING}'] } } }]),
  },
  {
    name: 'compile: a plugin factory quotes a value a vault reference resolved to',
    change: (d) => void ((routes(d)[2]!.plugins as Doc[])[0]!.config = { replace: { uri: '{vault://env/SLUICE_T_BAD_URI}' } }),
    compile: true,
  },
];

const TS_LOADER = process.execArgv.filter((a) => a.includes('@tapjs/typescript'));
const MAIN = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts')).href;

/**
 * `sluice validate <file>` for each file, in one child process running the sources (bin/sluice runs dist/):
 * what it printed and the exit code it set, per file.
 */
function validateAll(files: readonly string[]): Promise<{ code: number; output: string }[]> {
  // One stream, so each file's lines stay between its separators.
  const script = `import { main } from ${JSON.stringify(MAIN)};
process.stdout.write = process.stderr.write.bind(process.stderr);
for (const file of ${JSON.stringify(files)}) {
  process.exitCode = 0;
  await main(['node', 'sluice', 'validate', file]);
  process.stderr.write('\\n@@exit ' + process.exitCode + '@@\\n');
}
process.exitCode = 0;`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...TS_LOADER, '--input-type=module', '-e', script], { timeout: 60_000 }, (err, _stdout, stderr) => {
      if (err) return reject(err);
      const parts = stderr.split(/\n@@exit (\d+)@@\n/);
      const out: { code: number; output: string }[] = [];
      for (let i = 0; i + 1 < parts.length; i += 2) out.push({ output: parts[i]!, code: Number(parts[i + 1]) });
      resolve(out);
    });
  });
}

/** Every Admin API collection and node endpoint, plus the items and nested lists that hold secrets. */
async function adminAnswers(gw: TestGateway): Promise<Record<string, string>> {
  const get = (path: string) => request(gw.adminPort, path).then((r) => r.body);
  const { data } = JSON.parse(await get('/endpoints')) as { data: string[] };
  const paths = data.filter((p) => !p.includes('{'));
  paths.push('/config?format=json', '/consumers/alice/key-auth', '/consumers/alice/basic-auth', '/upstreams/pool/health', '/debug/match?path=/open');
  const out: Record<string, string> = {};
  for (const p of paths) out[p] = await get(p);
  return out;
}

t.test('a failed reload keeps every secret out of logs and the Admin API', async (t) => {
  const gw = await startTestGateway(stringify(base()));
  t.teardown(() => gw.close());
  t.equal((await request(gw.port, '/open')).status, 200, 'the serving config works');
  const answers = await adminAnswers(gw);
  t.ok(answers['/status']!.includes('"last_reload_error":null'), 'no failure yet');
  t.same(Object.entries(answers).filter(([, body]) => leaked(body).length > 0).map(([p]) => p), [], 'the serving config: no secret in any answer');

  const files: string[] = [];
  for (const [i, c] of CASES.entries()) {
    t.test(c.name, async (t) => {
      const doc = base();
      c.change(doc);
      const yaml = stringify(doc);
      await gw.writeConfig(yaml);
      const logsBefore = gw.logs.length;
      const outcome = await gw.reload();
      t.equal(outcome.status, 'failed');
      if (outcome.status !== 'failed') return;
      t.equal(outcome.errors[0]!.message.startsWith('compile failed'), c.compile === true, `fails in ${c.compile ? 'compile' : 'load'}`);
      t.ok(outcome.errors.every((e) => e.redacted === undefined), 'outcome errors are the redacted form');
      t.same(leaked(JSON.stringify(outcome)), [], 'reload outcome');
      const logged = JSON.stringify(gw.logs.slice(logsBefore));
      t.match(logged, /config reload failed/);
      t.same(leaked(logged), [], 'log lines');
      const status = JSON.parse((await request(gw.adminPort, '/status')).body) as { sluice: { last_reload_error: { errors: unknown[] } | null } };
      t.ok(status.sluice.last_reload_error !== null && status.sluice.last_reload_error.errors.length > 0, '/status reports the failure');
      for (const [path, body] of Object.entries(await adminAnswers(gw))) {
        const found = leaked(body);
        if (found.length > 0) t.fail(`${path} shows ${found.map((s) => s.slice(0, 6)).join(', ')}…`);
      }
      t.equal((await request(gw.port, '/open')).status, 200, 'the old config keeps serving');

      const file = join(gw.dir, `validate-${i}.yaml`);
      await writeFile(file, yaml);
      files.push(file);
    });
  }

  t.test('sluice validate on the same files still shows what the errors quote', async (t) => {
    const results = await validateAll(files);
    t.equal(results.length, CASES.length);
    for (const [i, c] of CASES.entries()) {
      const v = results[i]!;
      if (c.validateShows === undefined) {
        t.equal(v.code, c.compile ? 0 : 1, `${c.name}: ${c.compile ? 'the file loads (compiling is not validation)' : 'invalid'}`);
      } else {
        t.equal(v.code, 1, `${c.name}: invalid`);
        t.ok(v.output.includes(c.validateShows), `${c.name}: shows ${JSON.stringify(c.validateShows.slice(0, 40))}`);
      }
    }
  });
});

t.test('an invalid file at start-up: the errors sluice prints are redacted too', async (t) => {
  const doc = base();
  consumers(doc)[1]!.keyauth_credentials = [{ key: KEY }];
  const file = join(tmpdir(), `sluice-secrets-${process.pid}.yaml`);
  await writeFile(file, stringify(doc));
  t.teardown(() => rm(file, { force: true }));
  const logger = createLogger({ level: 'error', stream: { write: () => true } as unknown as NodeJS.WritableStream });
  const err = await startGateway({ conf: file, proxyListen: '127.0.0.1:0', adminListen: 'off', watch: false, engine: 'undici', logger, drainTimeoutMs: 100 }).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(err instanceof ConfigInvalidError, 'refused');
  const lines = (err as ConfigInvalidError).lines;
  t.match(lines.join('\n'), /key set to '\[redacted\]'/);
  t.same(leaked(lines.join('\n') + (err as Error).message), []);
});
