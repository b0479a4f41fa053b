import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import axios, { isAxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { attachBearerToken, createBearerAxios } from '../../../src/client/axios-bearer.js';
import { createConfiguration } from '../../../src/client/configuration.js';
import { clientSecretBasic } from '../../../src/client/client-auth.js';
import { createTokenSource } from '../../../src/client/token-source.js';
import type { TokenSource } from '../../../src/client/token-source.js';
import type { TestProvider } from '../../helpers/token-endpoint-server.js';
import { closedPort, configFor, startProvider } from './fixtures.js';

describe('axios-bearer', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());
  afterEach(() => {
    provider.tokenRequests.length = 0;
    provider.apiRequests.length = 0;
  });

  const source = (): TokenSource => createTokenSource(configFor(provider), { scopes: ['test_api_access'] });
  const api = (tokens = source()) => createBearerAxios(tokens, { baseURL: provider.origin });
  const sentTokens = () => provider.apiRequests.map((r) => r.authorization?.replace(/^Bearer /, ''));
  const statusOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (e: unknown) => (isAxiosError(e) ? e.response?.status : e),
    );

  test('sends the token as Authorization: Bearer and reuses it across calls', async () => {
    const tokens = source();
    const client = api(tokens);
    await client.get('/api/echo');
    await client.get('/api/echo');
    const { token } = await tokens.getToken();
    expect(provider.apiRequests.map((r) => r.authorization)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    expect(provider.tokenRequests).toHaveLength(1);
  });

  test('retries once with a fresh token after a 401 invalid_token, re-sending the body', async () => {
    const tokens = source();
    const client = api(tokens);
    const { token: revoked } = await tokens.getToken();
    provider.revoke(revoked);
    const response = await client.post('/api/echo', { hello: 'world' });
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ method: 'POST', body: '{"hello":"world"}' });
    const [first, second] = sentTokens();
    expect(first).toBe(revoked);
    expect(second).not.toBe(revoked);
    expect(provider.apiRequests).toHaveLength(2);
    expect(provider.tokenRequests).toHaveLength(2);
  });

  test('never loops: a second 401 invalid_token is returned to the caller', async () => {
    const client = api();
    await expect(statusOf(client.get('/api/always-invalid'))).resolves.toBe(401);
    expect(provider.apiRequests).toHaveLength(2);
    expect(provider.tokenRequests).toHaveLength(2);
  });

  test('does not retry a 403', async () => {
    const client = api();
    await expect(statusOf(client.get('/api/forbidden'))).resolves.toBe(403);
    expect(provider.apiRequests).toHaveLength(1);
    expect(provider.tokenRequests).toHaveLength(1);
  });

  test('does not retry a 401 whose challenge has no invalid_token error', async () => {
    const client = api();
    await expect(statusOf(client.get('/api/plain-401'))).resolves.toBe(401);
    expect(provider.apiRequests).toHaveLength(1);
  });

  test('retries too when validateStatus accepts every status', async () => {
    const tokens = source();
    const client = createBearerAxios(tokens, { baseURL: provider.origin, validateStatus: () => true });
    provider.revoke((await tokens.getToken()).token);
    expect((await client.get('/api/echo')).status).toBe(200);
    expect((await client.get('/api/always-invalid')).status).toBe(401);
    expect(provider.apiRequests).toHaveLength(4);
  });

  test('lets concurrent calls refused with the same token share one refresh', async () => {
    const tokens = source();
    const client = api(tokens);
    provider.revoke((await tokens.getToken()).token);
    const answers = await Promise.all([client.get('/api/echo'), client.get('/api/echo'), client.get('/api/echo')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(provider.tokenRequests).toHaveLength(2);
  });

  test('rejects with the client error when no token can be had, without calling the API', async () => {
    const config = createConfiguration({
      tokenEndpoint: `http://127.0.0.1:${await closedPort()}/token`,
      clientId: 'c',
      clientAuth: clientSecretBasic('s'),
    });
    const client = createBearerAxios(createTokenSource(config), { baseURL: provider.origin });
    await expect(client.get('/api/echo')).rejects.toMatchObject({ code: 'ERR_PROVIDER_UNREACHABLE' });
    expect(provider.apiRequests).toHaveLength(0);
  });

  test('installs on an existing instance and can be detached', async () => {
    const client = axios.create({ baseURL: provider.origin });
    const detach = attachBearerToken(client, source());
    await client.get('/api/echo');
    detach();
    await expect(statusOf(client.get('/api/echo'))).resolves.toBe(401);
    expect(provider.apiRequests.map((r) => r.authorization?.startsWith('Bearer '))).toEqual([true, undefined]);
  });

  describe('where the token may go', () => {
    /** An adapter that answers 200 and records what would have been sent: no request leaves the process. */
    const recording = () => {
      const sent: Array<{ url: string | undefined; authorization: unknown }> = [];
      const adapter = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
        sent.push({ url: config.url, authorization: config.headers.get('authorization') });
        return { data: '', status: 200, statusText: 'OK', headers: {}, config };
      };
      return { sent, adapter };
    };

    test.each([
      'http://127.0.0.1.nip.io/api',
      'http://127.evil.example/api',
      'http://localhost.evil/api',
      'http://api.internal/api',
      'https://user:pw@api.example/api',
    ])('refuses to send a token to %s, before a token is even fetched', async (url) => {
      const { sent, adapter } = recording();
      const client = createBearerAxios(source(), { adapter });
      await expect(client.get(url)).rejects.toThrow(TypeError);
      expect(sent).toEqual([]);
      expect(provider.tokenRequests).toHaveLength(0);
    });

    test('names the rule in its TypeError, without repeating the URL', async () => {
      const client = createBearerAxios(source(), { baseURL: 'http://api.internal' });
      await expect(client.get('/api')).rejects.toThrow(
        new TypeError(
          'the URL a bearer token is sent to must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set',
        ),
      );
    });

    test('sends it over plain http to another host only with allowInsecureHttp', async () => {
      const { sent, adapter } = recording();
      const client = createBearerAxios(source(), { adapter }, { allowInsecureHttp: true });
      await client.get('http://api.internal/api');
      expect(sent).toEqual([{ url: 'http://api.internal/api', authorization: expect.stringMatching(/^Bearer /) }]);
    });

    test('refuses a relative URL without a baseURL, and an allowInsecureHttp that is not a boolean', async () => {
      await expect(createBearerAxios(source()).get('/api')).rejects.toThrow(
        new TypeError('a bearer token is sent only to an absolute URL (set "baseURL" or give a full URL)'),
      );
      expect(() =>
        attachBearerToken(axios.create(), source(), { allowInsecureHttp: 'yes' as unknown as boolean }),
      ).toThrow(new TypeError('"allowInsecureHttp" must be a boolean'));
    });
  });
});
