// DPoP-bound tokens from a real Keycloak at the demo API (docs/demo-server.md, "Sender-constrained tokens"):
// accepted with a proof for the request, refused without one, as Bearer, replayed (also at a second instance
// sharing Redis), or made for another URL or method.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  clientSecretBasic,
  createBearerAxios,
  createDpopKey,
  createTokenSource,
  discovery,
  type DpopKey,
} from '../../src/client/index.js';
import { startDemoServer, type DemoServerProcess } from '../helpers/demo-server.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { keycloakUnderTest } from './keycloak-env.js';

const keycloak = keycloakUnderTest();
/** The resource identifier both instances share, as a load balancer's clients would see it. */
const SHARED_RESOURCE = 'http://api.example.test';

async function boundToken(dpop: DpopKey): Promise<string> {
  const config = await discovery({
    issuer: keycloak.issuer(),
    clientId: 'test_dpop_client',
    clientAuth: clientSecretBasic('test_dpop_client_dev_secret'),
  });
  const source = createTokenSource(config, { scopes: ['test_api_access'], dpop });
  const token = await source.getToken();
  expect(token.tokenType).toBe('DPoP');
  return token.token;
}

function challengeOf(response: Response): string {
  return response.headers.get('www-authenticate') ?? '';
}

describe('DPoP-bound Keycloak tokens at the demo API', () => {
  let redis: TestRedis;
  let one: DemoServerProcess;
  let two: DemoServerProcess;
  let dpop: DpopKey;
  let token: string;
  /** Sends `token` under the DPoP scheme to `server` with `proof` (none when undefined). */
  const send = (server: DemoServerProcess, path: string, proof: string | undefined, method = 'GET') =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `DPoP ${token}`, ...(proof === undefined ? {} : { dpop: proof }) },
    });
  const proofFor = (path: string, method = 'GET') =>
    dpop.proof({ htm: method, htu: `${SHARED_RESOURCE}${path}`, accessToken: token });

  beforeAll(async () => {
    redis = await startRedis();
    const env = {
      ISSUER_URL: keycloak.issuer(),
      AUDIENCE: 'test-api',
      REDIS_URL: redis.url,
      RESOURCE: SHARED_RESOURCE,
    };
    [one, two] = await Promise.all([startDemoServer(env), startDemoServer(env)]);
    dpop = createDpopKey();
    token = await boundToken(dpop);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await redis?.stop();
  });

  test('is accepted with a proof for the request, on a protected route and on /api/dpop', async () => {
    expect((await send(one, '/api/private', await proofFor('/api/private'))).status).toBe(200);
    expect((await send(one, '/api/dpop', await proofFor('/api/dpop'))).status).toBe(200);
  });

  test('the client’s axios glue calls /api/dpop with its own proofs', async () => {
    const server = await startDemoServer({ ISSUER_URL: keycloak.issuer(), AUDIENCE: 'test-api' });
    try {
      const config = await discovery({
        issuer: keycloak.issuer(),
        clientId: 'test_dpop_client',
        clientAuth: clientSecretBasic('test_dpop_client_dev_secret'),
      });
      const api = createBearerAxios(createTokenSource(config, { scopes: ['test_api_access'], dpop: true }), {
        baseURL: server.url,
      });
      expect((await api.get('/api/dpop?x=1')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  test('is refused without a proof', async () => {
    const response = await send(one, '/api/private', undefined);
    expect(response.status).toBe(401);
    expect(challengeOf(response)).toMatch(/^DPoP\b|, DPoP\b/);
  });

  test('is refused as a Bearer token', async () => {
    const response = await fetch(`${one.url}/api/private`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(challengeOf(response)).toContain('invalid_token');
  });

  test('is refused with a proof already used, on the same instance and on another sharing Redis', async () => {
    const proof = await proofFor('/api/private');
    expect((await send(one, '/api/private', proof)).status).toBe(200);
    const again = await send(one, '/api/private', proof);
    expect(again.status).toBe(401);
    expect(challengeOf(again)).toContain('invalid_dpop_proof');
    const elsewhere = await send(two, '/api/private', proof);
    expect(elsewhere.status).toBe(401);
    expect(challengeOf(elsewhere)).toContain('invalid_dpop_proof');
  });

  test('is refused with a proof for another URL or another method', async () => {
    const otherUrl = await send(one, '/api/private', await proofFor('/api/me'));
    expect(otherUrl.status).toBe(401);
    expect(challengeOf(otherUrl)).toContain('invalid_dpop_proof');
    const otherMethod = await send(one, '/api/private', await proofFor('/api/private', 'POST'));
    expect(otherMethod.status).toBe(401);
    expect(challengeOf(otherMethod)).toContain('invalid_dpop_proof');
  });

  test('is refused with a proof of another key', async () => {
    const stranger = createDpopKey();
    const proof = await stranger.proof({ htm: 'GET', htu: `${SHARED_RESOURCE}/api/private`, accessToken: token });
    const response = await send(one, '/api/private', proof);
    expect(response.status).toBe(401);
    expect(challengeOf(response)).toContain('invalid_dpop_proof');
  });
});
