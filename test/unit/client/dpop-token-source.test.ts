import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { isAxiosError } from 'axios';
import { createBearerAxios } from '../../../src/client/axios-bearer.js';
import { createDpopKey } from '../../../src/client/dpop.js';
import { accessTokenHash } from '../../../src/client/dpop.js';
import { UnexpectedResponseError } from '../../../src/client/errors.js';
import { clientCredentialsGrant } from '../../../src/client/token-endpoint.js';
import { createTokenCache } from '../../../src/client/token-cache.js';
import { createTokenSource } from '../../../src/client/token-source.js';
import type { TestProvider } from '../../helpers/token-endpoint-server.js';
import { configFor, ecKeys, startProvider } from './fixtures.js';
import { privateKeyJwt } from '../../../src/client/client-auth.js';

describe('DPoP-bound tokens from the token endpoint', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());
  afterEach(() => {
    provider.tokenRequests.length = 0;
    provider.apiRequests.length = 0;
    provider.dpopNonce = undefined;
    provider.apiDpopNonce = undefined;
    provider.override = undefined;
  });

  const jkt = (token: string) => (decodeJwt(token)['cnf'] as { jkt?: string } | undefined)?.jkt;

  test('the token request carries a proof for POST at the token endpoint, and the token is bound to its key', async () => {
    const dpop = createDpopKey();
    const token = await clientCredentialsGrant(configFor(provider), { dpop });
    expect(token.tokenType).toBe('DPoP');
    expect(jkt(token.token)).toBe(await dpop.thumbprint());
    const proof = decodeJwt(provider.tokenRequests[0]?.dpop ?? '');
    expect(proof).toMatchObject({ htm: 'POST', htu: provider.tokenEndpoint });
    expect(proof).not.toHaveProperty('ath');
  });

  test('a use_dpop_nonce answer is retried once with the nonce, authenticating afresh', async () => {
    provider.dpopNonce = 'server-nonce-1';
    const auth = privateKeyJwt(ecKeys.privateKey);
    const token = await clientCredentialsGrant(configFor(provider, auth, 'ec_jwt_client'), { dpop: createDpopKey() });
    expect(token.tokenType).toBe('DPoP');
    const [first, second] = provider.tokenRequests;
    expect(provider.tokenRequests).toHaveLength(2);
    expect(decodeJwt(first?.dpop ?? '')).not.toHaveProperty('nonce');
    expect(decodeJwt(second?.dpop ?? '')['nonce']).toBe('server-nonce-1');
    expect(second?.form.get('client_assertion')).not.toBe(first?.form.get('client_assertion'));
  });

  test('a second use_dpop_nonce is not retried again: the refusal surfaces', async () => {
    provider.override = () => ({
      status: 400,
      headers: { 'dpop-nonce': 'always-new' },
      body: JSON.stringify({ error: 'use_dpop_nonce' }),
    });
    await expect(clientCredentialsGrant(configFor(provider), { dpop: createDpopKey() })).rejects.toMatchObject({
      error: 'use_dpop_nonce',
    });
    expect(provider.tokenRequests).toHaveLength(2);
  });

  test('use_dpop_nonce without a DPoP-Nonce header, or to a request without a proof, is not retried', async () => {
    provider.override = () => ({ status: 400, body: JSON.stringify({ error: 'use_dpop_nonce' }) });
    await expect(clientCredentialsGrant(configFor(provider), { dpop: createDpopKey() })).rejects.toMatchObject({
      error: 'use_dpop_nonce',
    });
    provider.override = () => ({
      status: 400,
      headers: { 'dpop-nonce': 'n' },
      body: JSON.stringify({ error: 'use_dpop_nonce' }),
    });
    await expect(clientCredentialsGrant(configFor(provider))).rejects.toMatchObject({ error: 'use_dpop_nonce' });
    expect(provider.tokenRequests).toHaveLength(2);
  });

  test('a Bearer answer to a DPoP request is refused: the provider did not bind the token', async () => {
    provider.override = () => ({ status: 200, body: JSON.stringify({ access_token: 'x', token_type: 'Bearer' }) });
    const failure = clientCredentialsGrant(configFor(provider), { dpop: createDpopKey() });
    await expect(failure).rejects.toBeInstanceOf(UnexpectedResponseError);
    await expect(failure).rejects.toThrow(/"token_type" must be "DPoP", got "Bearer"/);
  });

  test('a DPoP answer to a Bearer request is refused', async () => {
    provider.override = () => ({ status: 200, body: JSON.stringify({ access_token: 'x', token_type: 'DPoP' }) });
    await expect(clientCredentialsGrant(configFor(provider))).rejects.toThrow(/"token_type" must be "Bearer"/);
  });

  test('a "dpop" option that is not a DPoP key is refused', async () => {
    await expect(clientCredentialsGrant(configFor(provider), { dpop: 'key' as never })).rejects.toThrow(
      /"dpop" must be a DPoP key/,
    );
    expect(() => createTokenSource(configFor(provider), { dpop: 'yes' as never })).toThrow(/"dpop" must be/);
  });

  test('a token source keeps one key for its tokens, and each source has its own', async () => {
    const config = configFor(provider);
    const cache = createTokenCache();
    const one = createTokenSource(config, { dpop: true, cache });
    const two = createTokenSource(config, { dpop: true, cache });
    const plain = createTokenSource(config, { cache });
    const [a, b, c] = await Promise.all([one.getToken(), two.getToken(), plain.getToken()]);
    expect(jkt(a.token)).toBe(await one.dpop?.thumbprint());
    expect(jkt(b.token)).toBe(await two.dpop?.thumbprint());
    expect(jkt(a.token)).not.toBe(jkt(b.token));
    expect(c.tokenType).toBe('Bearer');
    expect(plain.dpop).toBeUndefined();
    one.invalidate(a.token);
    const renewed = await one.getToken();
    expect(renewed.token).not.toBe(a.token);
    expect(jkt(renewed.token)).toBe(jkt(a.token));
  });

  test('a key given to the token source is the one its tokens are bound to', async () => {
    const dpop = createDpopKey();
    const source = createTokenSource(configFor(provider), { dpop });
    expect(source.dpop).toBe(dpop);
    expect(jkt((await source.getToken()).token)).toBe(await dpop.thumbprint());
  });
});

describe('DPoP requests through axios', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());
  afterEach(() => {
    provider.tokenRequests.length = 0;
    provider.apiRequests.length = 0;
    provider.apiDpopNonce = undefined;
  });

  const dpopApi = () => {
    const source = createTokenSource(configFor(provider), { dpop: true });
    return { source, api: createBearerAxios(source, { baseURL: provider.origin }) };
  };

  test('sends Authorization: DPoP with a fresh proof for each request’s method, URL and token', async () => {
    const { source, api } = dpopApi();
    await api.get('/api/echo?x=1');
    await api.post('/api/echo', { a: 1 });
    const { token } = await source.getToken();
    const [first, second] = provider.apiRequests;
    expect(first?.authorization).toBe(`DPoP ${token}`);
    const p1 = decodeJwt(String(first?.headers.dpop));
    const p2 = decodeJwt(String(second?.headers.dpop));
    expect(p1).toMatchObject({ htm: 'GET', htu: `${provider.origin}/api/echo`, ath: accessTokenHash(token) });
    expect(p2).toMatchObject({ htm: 'POST', htu: `${provider.origin}/api/echo` });
    expect(p1.jti).not.toBe(p2.jti);
    expect(decodeProtectedHeader(String(first?.headers.dpop)).typ).toBe('dpop+jwt');
    expect(provider.tokenRequests).toHaveLength(1);
  });

  test('a 401 use_dpop_nonce is retried once with the nonce, which later requests keep using', async () => {
    provider.apiDpopNonce = 'rs-nonce';
    const { api } = dpopApi();
    const response = await api.get('/api/echo');
    expect(response.data).toMatchObject({ dpop: true });
    await api.get('/api/echo');
    const nonces = provider.apiRequests.map((r) => decodeJwt(String(r.headers.dpop))['nonce']);
    expect(nonces).toEqual([undefined, 'rs-nonce', 'rs-nonce']);
    expect(provider.tokenRequests).toHaveLength(1);
  });

  test('a second use_dpop_nonce is returned as it is, never a loop', async () => {
    const { api } = dpopApi();
    const refused = await api.get('/api/rotating-nonce').catch((e: unknown) => (isAxiosError(e) ? e.response : e));
    expect(refused).toMatchObject({ status: 401 });
    expect(provider.apiRequests).toHaveLength(2);
  });

  test('a Bearer request is not retried on use_dpop_nonce: its retry could carry no nonce', async () => {
    const api = createBearerAxios(createTokenSource(configFor(provider)), { baseURL: provider.origin });
    const refused = await api.get('/api/rotating-nonce').catch((e: unknown) => (isAxiosError(e) ? e.response : e));
    expect(refused).toMatchObject({ status: 401 });
    expect(provider.apiRequests).toHaveLength(1);
  });

  test('a DPoP token whose key the source does not have is refused before sending', async () => {
    const bound = createTokenSource(configFor(provider), { dpop: true });
    const keyless = { getToken: () => bound.getToken(), invalidate: () => undefined };
    const api = createBearerAxios(keyless, { baseURL: provider.origin });
    await expect(api.get('/api/echo')).rejects.toThrow(/needs its DPoP key/);
    expect(provider.apiRequests).toHaveLength(0);
  });
});
