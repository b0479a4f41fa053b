import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startMtlsServer, type MtlsServer } from '../helpers/mtls-server.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/test-certificates.js';

jest.setTimeout(30_000);

describe('client CLI with --cert and --key (mTLS)', () => {
  let certs: TestCertificates;
  let server: MtlsServer;
  let tls: string[];
  beforeAll(async () => {
    certs = makeTestCertificates();
    server = await startMtlsServer(certs);
    tls = [
      '--cert',
      join(certs.dir, 'client.pem'),
      '--key',
      join(certs.dir, 'client.key'),
      '--ca',
      join(certs.dir, 'ca.pem'),
    ];
  });
  afterAll(async () => {
    await server.close();
    certs.remove();
  });
  beforeEach(() => {
    server.seen.length = 0;
  });

  test('token authenticates with the certificate alone (tls_client_auth)', async () => {
    const result = await runCli(['token', '--issuer', server.origin, '--client-id', 'test_mtls_client', ...tls], {
      env: {},
    });
    expect(result).toMatchObject({ code: 0, stdout: `bound-to.${certs.client.thumbprint}.x\n` });
    const token = server.seen.find((s) => s.path === '/token');
    expect(token?.thumbprint).toBe(certs.client.thumbprint);
    expect(token?.authorization).toBeUndefined();
    expect(new URLSearchParams(token?.body).get('client_id')).toBe('test_mtls_client');
    expect(new URLSearchParams(token?.body).has('client_secret')).toBe(false);
  });

  test('call presents the same certificate to the API', async () => {
    const args = ['call', `${server.origin}/api/orders`, '--issuer', server.origin, '--client-id', 'c', ...tls];
    const result = await runCli(args, { env: {} });
    expect(result.code).toBe(0);
    const api = server.seen.find((s) => s.path === '/api/orders');
    expect(api?.thumbprint).toBe(certs.client.thumbprint);
    expect(api?.authorization).toBe(`Bearer bound-to.${certs.client.thumbprint}.x`);
  });

  test('--cert without --key, or tls_client_auth without a certificate, is a usage error', async () => {
    const alone = await runCli(['token', '--issuer', server.origin, '--cert', join(certs.dir, 'client.pem')], {
      env: {},
    });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('"--cert" and "--key" go together');
    const bare = await runCli(['token', '--issuer', server.origin, '--auth-method', 'tls_client_auth'], { env: {} });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('needs "--cert" and "--key"');
  });
});
