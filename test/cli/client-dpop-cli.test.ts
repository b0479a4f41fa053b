import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { runCli } from '../helpers/cli.js';
import { startTestProvider } from '../helpers/token-endpoint-server.js';
import type { TestProvider } from '../helpers/token-endpoint-server.js';

jest.setTimeout(30_000);

const SECRET = 'cli dpop secret';

describe('client CLI with --dpop', () => {
  let provider: TestProvider;
  let common: string[];
  beforeAll(async () => {
    provider = await startTestProvider([
      { clientId: 'cli_client', secret: SECRET, allowedScopes: ['test_api_access'] },
    ]);
    common = ['--issuer', provider.issuer, '--client-id', 'cli_client'];
  });
  afterAll(() => provider.close());
  beforeEach(() => {
    provider.tokenRequests.length = 0;
    provider.apiRequests.length = 0;
    provider.apiDpopNonce = undefined;
  });

  test('token --dpop gets a token bound to the key its proof showed, and says so with --json', async () => {
    const result = await runCli(['token', '--dpop', '--json', ...common], { env: { CLIENT_SECRET: SECRET } });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { access_token: string; token_type: string };
    expect(printed.token_type).toBe('DPoP');
    const proof = provider.tokenRequests[0]?.dpop ?? '';
    const jkt = await calculateJwkThumbprint(decodeProtectedHeader(proof).jwk as JWK, 'sha256');
    expect(decodeJwt(printed.access_token)['cnf']).toEqual({ jkt });
  });

  test('call --dpop sends the token as DPoP with a proof, and follows the API’s nonce once', async () => {
    provider.apiDpopNonce = 'api-nonce';
    const result = await runCli(['call', `${provider.origin}/api/echo?page=2`, '--dpop', ...common], {
      env: { CLIENT_SECRET: SECRET },
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^HTTP 200 OK/);
    const last = provider.apiRequests.at(-1);
    expect(last?.authorization).toMatch(/^DPoP [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeJwt(String(last?.headers.dpop))).toMatchObject({
      htm: 'GET',
      htu: `${provider.origin}/api/echo`,
      nonce: 'api-nonce',
    });
    expect(provider.apiRequests).toHaveLength(2);
  });

  test('revoke --dpop is a usage error: revoking needs no proof', async () => {
    const result = await runCli(['revoke', 'some-token', '--dpop', ...common], { env: { CLIENT_SECRET: SECRET } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"--dpop" is an option of "token" and "call" only');
  });

  test('--help of token and call documents --dpop', async () => {
    for (const command of ['token', 'call']) {
      const result = await runCli([command, '--help'], { env: {} });
      expect(result.stdout).toContain('--dpop');
    }
  });
});
