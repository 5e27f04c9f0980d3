import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate and its key. */
export interface Pair {
  readonly cert: string;
  readonly key: string;
}

/** Throwaway certificates made with the machine's openssl, for TLS tests only. */
export interface Pki {
  readonly ca: Pair;
  /** A second, unrelated CA: trusting it must not verify certificates of `ca`. */
  readonly otherCa: Pair;
  readonly issue: (name: string, opts?: IssueOptions) => Pair;
  readonly cleanup: () => void;
}

export interface IssueOptions {
  /** subjectAltName value, e.g. `DNS:a.test` (default DNS:<name>). */
  readonly san?: string;
  readonly ec?: boolean;
  readonly clientAuth?: boolean;
  readonly issuer?: Pair;
}

const RSA = ['-newkey', 'rsa:2048'];
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pki-'));
  let n = 0;
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (base: string): Pair => ({
    cert: readFileSync(join(dir, `${base}.crt`), 'utf8'),
    key: readFileSync(join(dir, `${base}.key`), 'utf8'),
  });
  const makeCa = (cn: string): Pair => {
    const base = `ca${n++}`;
    openssl(['req', '-x509', ...EC, '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-keyout', `${base}.key`, '-out', `${base}.crt`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    return read(base);
  };
  const ca = makeCa('sluice test root');
  const otherCa = makeCa('sluice other root');
  const issue = (name: string, opts: IssueOptions = {}): Pair => {
    const base = `leaf${n++}`;
    const issuer = opts.issuer ?? ca;
    writeFileSync(join(dir, `${base}-issuer.crt`), issuer.cert);
    writeFileSync(join(dir, `${base}-issuer.key`), issuer.key);
    openssl(['req', '-x509', ...(opts.ec ? EC : RSA), '-nodes', '-days', '2', '-subj', `/CN=${name}`,
      '-keyout', `${base}.key`, '-out', `${base}.crt`, '-CA', `${base}-issuer.crt`, '-CAkey', `${base}-issuer.key`,
      '-addext', `subjectAltName=${opts.san ?? `DNS:${name}`}`, '-addext', 'basicConstraints=CA:FALSE',
      '-addext', `extendedKeyUsage=${opts.clientAuth ? 'clientAuth' : 'serverAuth'}`]);
    return read(base);
  };
  return { ca, otherCa, issue, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A PEM as a YAML block scalar at the given indentation. */
export function yamlPem(pem: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return `|\n${pem.trim().split('\n').map((l) => pad + l).join('\n')}`;
}
