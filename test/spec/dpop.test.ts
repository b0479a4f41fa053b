/**
 * The demo contract's DPoP section (RFC 9449) over real HTTP, for the adapter of this jest project: DPoP-bound
 * tokens with their proofs, the DPoP-only route, challenges, replay (also across two instances sharing a real
 * redis-server) and server nonces.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createDemoApp } from '../../src/demo/app.js';
import { RedisReplayStore } from '../../src/redis/index.js';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { demoSettings, startDemo } from '../helpers/demo.js';
import { dpopClient, type DpopClient } from '../helpers/dpop.js';
import { send, serve, type HttpResponse, type Served } from '../helpers/http.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

const RESOURCE = 'https://api.example.test';
const ALGS = 'DPoP algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 EdDSA"';
/** Every challenge, DPoP and Bearer alike, ends with the resource's metadata URL (RFC 9728 §5.1). */
const METADATA = `resource_metadata="${RESOURCE}/.well-known/oauth-protected-resource"`;
let idp: FakeProvider;
let demo: Served;
let client: DpopClient;

beforeAll(async () => {
  idp = await startFakeProvider();
  demo = await startDemo(idp, { resource: RESOURCE });
  client = await dpopClient();
});
afterAll(async () => {
  await Promise.all([demo.close(), idp.close()]);
});

const boundToken = (jkt = client.jkt) => idp.mint({ cnf: { jkt } });

async function call(
  path: string,
  token: string,
  proof: string | string[] | undefined,
  server: Served = demo,
): Promise<HttpResponse> {
  const headers: Record<string, string | string[]> = { authorization: `DPoP ${token}` };
  if (proof !== undefined) headers.dpop = proof;
  return send(`${server.url}${path}`, { headers });
}

const proofFor = (path: string, token: string, claims: Record<string, unknown> = {}) =>
  client.proof('GET', `${RESOURCE}${path}`, token, { claims });

function expectDpopRefusal(res: HttpResponse, error: string, description: string, withBearer = true): void {
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error, error_description: description });
  const dpop = `${ALGS}, error="${error}", error_description="${description.replace(/"/g, "'")}", ${METADATA}`;
  expect(res.headers['www-authenticate']).toBe(withBearer ? `${dpop}, Bearer realm="myorg", ${METADATA}` : dpop);
}

describe('DPoP on every protected route', () => {
  test('a DPoP-bound token with its proof passes, on a route and on the DPoP-only route', async () => {
    const token = await boundToken();
    expect((await call('/api/private', token, await proofFor('/api/private', token))).status).toBe(200);
    const res = await call('/api/dpop', token, await proofFor('/api/dpop', token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'DPoP endpoint: a DPoP-bound token with its proof' });
  });

  test('query and fragment are ignored in htu; the proof names RESOURCE, never the Host header', async () => {
    const token = await boundToken();
    const proof = await client.proof('GET', `${RESOURCE}/api/private?x=1#f`, token);
    expect(
      (await send(`${demo.url}/api/private?y=2`, { headers: { authorization: `DPoP ${token}`, dpop: proof } })).status,
    ).toBe(200);
    const byHost = await client.proof('GET', `${demo.url}/api/private`, token);
    expectDpopRefusal(
      await call('/api/private', token, byHost),
      'invalid_dpop_proof',
      'DPoP proof "htu" does not match the request URL',
    );
  });

  test('a DPoP-bound token sent as Bearer is refused with invalid_token', async () => {
    const res = await send(`${demo.url}/api/private`, { headers: { authorization: `Bearer ${await boundToken()}` } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_token' });
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="myorg", error="invalid_token", error_description="token is DPoP-bound: send it as 'Authorization: DPoP' with a proof", ${METADATA}`,
    );
  });

  test('a token without cnf.jkt under the DPoP scheme is refused with invalid_token in a DPoP challenge', async () => {
    const token = await idp.mint();
    expectDpopRefusal(
      await call('/api/private', token, await proofFor('/api/private', token)),
      'invalid_token',
      'token is not DPoP-bound ("cnf.jkt"): send it as "Authorization: Bearer"',
    );
  });

  test('a proof replayed is refused, also for a token the guard has cached', async () => {
    const token = await boundToken();
    const proof = await proofFor('/api/private', token);
    expect((await call('/api/private', token, proof)).status).toBe(200);
    expect((await call('/api/private', token, await proofFor('/api/private', token))).status).toBe(200);
    expectDpopRefusal(
      await call('/api/private', token, proof),
      'invalid_dpop_proof',
      'DPoP proof was used before ("jti")',
    );
  });

  test('a cached token needs a valid proof on every request', async () => {
    const token = await boundToken();
    for (let i = 0; i < 3; i++)
      expect((await call('/api/me', token, await proofFor('/api/me', token))).status).toBe(200);
    expectDpopRefusal(await call('/api/me', token, undefined), 'invalid_dpop_proof', 'no "DPoP" proof header');
    const other = await dpopClient();
    const foreign = await other.proof('GET', `${RESOURCE}/api/me`, token);
    expectDpopRefusal(
      await call('/api/me', token, foreign),
      'invalid_dpop_proof',
      'DPoP proof key is not the key the token is bound to',
    );
  });

  test.each([
    [
      'for another method',
      (t: string) => client.proof('POST', `${RESOURCE}/api/private`, t),
      'DPoP proof "htm" does not match the request method',
    ],
    ['for another URL', (t: string) => proofFor('/api/admin', t), 'DPoP proof "htu" does not match the request URL'],
    [
      'issued 2 minutes ago',
      (t: string) => proofFor('/api/private', t, { iat: Math.floor(Date.now() / 1000) - 120 }),
      'DPoP proof "iat" is too far from the current time',
    ],
    [
      'for another token',
      (_t: string) => proofFor('/api/private', 'x'),
      'DPoP proof "ath" is not the hash of the access token',
    ],
    [
      'without jti',
      (t: string) => proofFor('/api/private', t, { jti: undefined }),
      'DPoP proof "jti" claim must be a non-empty string',
    ],
    [
      'typed JWT',
      (t: string) => client.proof('GET', `${RESOURCE}/api/private`, t, { header: { typ: 'JWT' } }),
      'DPoP proof "typ" must be "dpop+jwt"',
    ],
    [
      'with its private key',
      (t: string) => client.proof('GET', `${RESOURCE}/api/private`, t, { header: { jwk: client.privateJwk } }),
      'DPoP proof "jwk" must be a public key, never a private or symmetric one',
    ],
  ])('a proof %s is refused with invalid_dpop_proof', async (_what, make, description) => {
    const token = await boundToken();
    expectDpopRefusal(await call('/api/private', token, await make(token)), 'invalid_dpop_proof', description);
  });

  test('two DPoP headers are refused', async () => {
    const token = await boundToken();
    const proofs = [await proofFor('/api/private', token), await proofFor('/api/private', token)];
    expectDpopRefusal(
      await call('/api/private', token, proofs),
      'invalid_dpop_proof',
      'more than one "DPoP" proof header',
    );
  });

  test('GET /api/dpop answers a Bearer token, or no credentials, with a DPoP challenge alone', async () => {
    const res = await send(`${demo.url}/api/dpop`, { headers: { authorization: `Bearer ${await idp.mint()}` } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `${ALGS}, error="invalid_token", error_description="this resource accepts only DPoP-bound tokens", ${METADATA}`,
    );
    const none = await send(`${demo.url}/api/dpop`);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe(`${ALGS}, ${METADATA}`);
  });

  test('Bearer routes keep their Bearer answers', async () => {
    expect(
      (await send(`${demo.url}/api/private`, { headers: { authorization: `Bearer ${await idp.mint()}` } })).status,
    ).toBe(200);
    expect((await send(`${demo.url}/api/private`)).headers['www-authenticate']).toBe(
      `Bearer realm="myorg", ${METADATA}`,
    );
  });
});

describe('DPOP_NONCE=on', () => {
  let nonceDemo: Served;
  beforeAll(async () => {
    nonceDemo = await startDemo(idp, { resource: RESOURCE, dpopNonce: true });
  });
  afterAll(async () => {
    await nonceDemo.close();
  });

  test('a proof without a nonce gets use_dpop_nonce and a DPoP-Nonce; with it, the request passes', async () => {
    const token = await boundToken();
    const first = await call('/api/private', token, await proofFor('/api/private', token), nonceDemo);
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ error: 'use_dpop_nonce' });
    expect(first.headers['www-authenticate']).toMatch(/^DPoP algs="[^"]+", error="use_dpop_nonce"/);
    const nonce = first.headers['dpop-nonce'];
    expect(typeof nonce).toBe('string');
    const second = await call('/api/private', token, await proofFor('/api/private', token, { nonce }), nonceDemo);
    expect(second.status).toBe(200);
  });

  test('a nonce this server did not issue is refused with a fresh one', async () => {
    const token = await boundToken();
    const res = await call(
      '/api/private',
      token,
      await proofFor('/api/private', token, { nonce: 'made-up' }),
      nonceDemo,
    );
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'use_dpop_nonce' });
    expect(res.headers['dpop-nonce']).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{32}$/);
  });

  test('Bearer requests are unaffected', async () => {
    const res = await send(`${nonceDemo.url}/api/private`, {
      headers: { authorization: `Bearer ${await idp.mint()}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('replay across instances sharing REDIS_URL', () => {
  let redis: TestRedis;
  let stores: RedisReplayStore[];
  let apps: Served[];
  beforeAll(async () => {
    redis = await startRedis();
    stores = await Promise.all([RedisReplayStore.connect(redis.url), RedisReplayStore.connect(redis.url)]);
    const secrets = await Promise.all(stores.map((s) => s.sharedSecret()));
    apps = await Promise.all(
      stores.map(async (store, i) =>
        serve(
          await createDemoApp(demoSettings(idp, { resource: RESOURCE, dpopNonce: true }), {
            dpopReplay: store,
            dpopNonceSecret: secrets[i]!,
          }),
        ),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await Promise.all(stores.map((s) => s.close()));
    await redis.stop();
  });

  test('a proof accepted by one instance is refused by the other; a nonce of one passes the other', async () => {
    const token = await boundToken();
    const challenge = await call('/api/private', token, await proofFor('/api/private', token), apps[0]);
    const nonce = challenge.headers['dpop-nonce'] as string;
    const proof = await proofFor('/api/private', token, { nonce });
    expect((await call('/api/private', token, proof, apps[1])).status).toBe(200);
    expectDpopRefusal(
      await call('/api/private', token, proof, apps[0]),
      'invalid_dpop_proof',
      'DPoP proof was used before ("jti")',
    );
  });

  test('an unreachable replay store fails closed with 503', async () => {
    const token = await boundToken();
    const nonce = (await call('/api/private', token, await proofFor('/api/private', token), apps[0])).headers[
      'dpop-nonce'
    ];
    await redis.stop();
    try {
      const res = await call('/api/private', token, await proofFor('/api/private', token, { nonce }), apps[0]);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'temporarily_unavailable' });
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      await redis.restart();
    }
  });
});
