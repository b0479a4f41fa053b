/**
 * Certificates made at test time with openssl: a CA, a server certificate for 127.0.0.1 and localhost, and
 * client certificates signed by the CA, for mutual TLS (RFC 8705) tests. Nothing is committed.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate and its private key. */
export interface Pem {
  readonly cert: string;
  readonly key: string;
  /** Its RFC 8705 §3.1 thumbprint: base64url SHA-256 of the DER certificate (`cnf["x5t#S256"]`). */
  readonly thumbprint: string;
}

export interface TestCertificates {
  readonly ca: Pem;
  readonly server: Pem;
  readonly client: Pem;
  /** A second client certificate from the same CA. */
  readonly otherClient: Pem;
  /** The directory holding them as files (ca.pem, server.pem, server.key, client.pem, client.key, …). */
  readonly dir: string;
  remove(): void;
}

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

function pem(dir: string, name: string): Pem {
  const cert = readFileSync(join(dir, `${name}.pem`), 'utf8');
  const raw = new X509Certificate(cert).raw;
  return {
    cert,
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    thumbprint: createHash('sha256').update(raw).digest('base64url'),
  };
}

/** Makes a CA and certificates signed by it, in a fresh temporary directory (or `into`). */
export function makeTestCertificates(into?: string): TestCertificates {
  const dir = into ?? mkdtempSync(join(tmpdir(), 'mtls-'));
  const at = (file: string) => join(dir, file);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=bearer-guard test CA',
  ]);
  const issue = (name: string, subject: string, extensions: string) => {
    openssl(['req', ...ec, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', subject]);
    writeFileSync(at(`${name}.ext`), extensions);
    openssl([
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      at(`${name}.ext`),
    ]);
  };
  issue('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue('client', '/CN=test_mtls_client', 'extendedKeyUsage=clientAuth\n');
  issue('other-client', '/CN=someone_else', 'extendedKeyUsage=clientAuth\n');
  return {
    ca: pem(dir, 'ca'),
    server: pem(dir, 'server'),
    client: pem(dir, 'client'),
    otherClient: pem(dir, 'other-client'),
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
