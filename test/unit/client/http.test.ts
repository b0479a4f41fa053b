import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { sendToProvider } from '../../../src/client/http.js';
import type { TestProvider } from '../../helpers/token-endpoint-server.js';
import { closedPort, startProvider } from './fixtures.js';

describe('http', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());
  afterEach(() => {
    provider.override = undefined;
  });

  const post = (url: string, timeoutMs = 2000) =>
    sendToProvider({ method: 'POST', url, headers: {}, body: 'grant_type=client_credentials', timeoutMs });

  test('returns an error status as an answer rather than throwing', async () => {
    provider.override = () => ({ status: 503, contentType: 'text/plain', body: 'down for maintenance' });
    await expect(post(provider.tokenEndpoint)).resolves.toEqual({
      status: 503,
      contentType: 'text/plain',
      body: 'down for maintenance',
    });
  });

  test('does not follow a redirect, so credentials are never replayed to another URL', async () => {
    provider.override = () => ({ status: 307, headers: { location: `${provider.origin}/api/echo` }, body: '' });
    await expect(post(provider.tokenEndpoint)).resolves.toMatchObject({ status: 307 });
    expect(provider.apiRequests).toEqual([]);
  });

  test('reports a refused connection as ProviderUnreachableError with the system error code', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/token`;
    const error = await post(url).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ProviderUnreachableError',
      code: 'ERR_PROVIDER_UNREACHABLE',
      reason: 'ECONNREFUSED',
      url,
      message: `could not reach "${url}" (ECONNREFUSED)`,
    });
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('reports an unknown host as ProviderUnreachableError, not as a timeout', async () => {
    const error = await post('http://no-such-host.invalid/token').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_PROVIDER_UNREACHABLE' });
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain((error as { reason: string }).reason);
  });

  test('reports a provider that accepts but never answers as TimeoutError', async () => {
    provider.override = () => undefined;
    await expect(post(provider.tokenEndpoint, 150)).rejects.toMatchObject({
      name: 'TimeoutError',
      code: 'ERR_TIMEOUT',
      timeoutMs: 150,
      message: `no answer from "${provider.tokenEndpoint}" within 150 ms`,
    });
  });

  test('refuses an answer larger than 1 MiB', async () => {
    provider.override = () => ({ status: 200, body: 'x'.repeat(2 * 1024 * 1024) });
    await expect(post(provider.tokenEndpoint)).rejects.toMatchObject({
      code: 'ERR_UNEXPECTED_RESPONSE',
      message: `unusable answer from "${provider.tokenEndpoint}": larger than 1048576 bytes`,
    });
  });
});
