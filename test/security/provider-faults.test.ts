/**
 * Faults of the identity provider's JWKS endpoint (./faulty-provider.ts), against a guard built with
 * `createAuth` and short timings (fetch timeout 400 ms, cooldown 1 s), served over HTTP on 127.0.0.1. Each
 * fault is met cold (no keys yet) and warm (keys known): the guard stays up, keeps the keys it knows, answers
 * within its timeout (503 with Retry-After when it cannot know), and never accepts a token it could not
 * verify. Then the JWKS bodies a broken or careless provider might publish: keys of the wrong use or alg,
 * private keys, symmetric keys, duplicate kids.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import express from 'express';
import { exportJWK, type JWK } from 'jose';
import { createAuth, type Auth } from '../../src/index.js';
import { createFakeKey, startFakeProvider, type FakeKey } from '../../src/testing/index.js';
import { expectChallenge as expectDemoChallenge, startDemo } from '../helpers/demo.js';
import {
  bearer,
  expectChallenge,
  expectUnavailable,
  send,
  serve,
  type HttpResponse,
  type Served,
} from '../helpers/http.js';
import { claimsFor, signWithKey } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait.js';
import { garbage, startFaultyProvider, type FaultyProvider, type JwksFault } from './faulty-provider.js';
import { signHmac, signJson, signUnderExponentOne } from './forge.js';
import { EXPONENT_ONE_JWK, ROCA_JWK } from './wycheproof-vectors.js';

const TIMEOUT = 400;
const COOLDOWN = 1_000;
const MAX_AGE = 60_000;
/** The longest any answer may take: the fetch timeout plus a generous allowance for a loaded machine. */
const DEADLINE = TIMEOUT + 2_500;
const FIFTY_MB = 50 * 1024 * 1024;

const NO_KEY = 'no signing key of the issuer matches the token\'s "kid"';
const SIG = 'token signature is invalid';
const UNUSABLE = "the issuer's key for this token is unusable";

let keyA: FakeKey; // published from the start
let keyB: FakeKey; // published only once the provider recovers
let impostor: FakeKey; // the attacker's key, under keyA's kid
let provider: FaultyProvider;

beforeAll(async () => {
  keyA = await createFakeKey('RS256', 'key-a');
  keyB = await createFakeKey('RS256', 'key-b');
  impostor = await createFakeKey('RS256', 'key-a');
  provider = await startFaultyProvider([keyA.jwk]);
});
afterAll(async () => {
  await provider.close();
});

/** A guard on its own clock (`advance` moves it for key ages and cooldowns, not for the fetch timeout). */
interface Guard {
  readonly served: Served;
  readonly auth: Auth;
  advance(ms: number): void;
  /** A fresh token (new jti: never a cache hit) signed by `key`, valid on the guard's clock. */
  token(key: FakeKey, header?: Record<string, unknown>): Promise<string>;
  /** GET /api/private with the token; fails the test when no answer comes within {@link DEADLINE}. */
  get(token: string): Promise<HttpResponse>;
}

const guards: Served[] = [];
afterEach(async () => {
  await Promise.all(guards.splice(0).map((g) => g.close()));
  provider.fault = { kind: 'ok' };
  provider.keys = [keyA.jwk];
});

async function startGuard(issuer = provider.issuer): Promise<Guard> {
  let offset = 0;
  const now = () => Date.now() + offset;
  const auth = createAuth({
    issuer,
    audience: 'test-api',
    realm: 'faulty',
    keys: { timeout: TIMEOUT, cooldown: COOLDOWN, maxAge: MAX_AGE },
    now,
  });
  const app = express();
  app.get('/api/private', auth.requireAuth(), (req, res) => {
    res.json({ message: 'ok', kid: req.auth!.header.kid });
  });
  const served = await serve(app);
  guards.push(served);
  return {
    served,
    auth,
    advance: (ms) => {
      offset += ms;
    },
    token: (key, header = {}) =>
      signWithKey(key, claimsFor(issuer, Math.floor(now() / 1000), { jti: randomUUID() }), header),
    get: (token) => within(DEADLINE, send(`${served.url}/api/private`, { headers: bearer(token) })),
  };
}

/** A bounded wait: the answer, or a failure naming the bound. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every token it could not verify: the attacker's key under a known kid, alg none, HMAC with the public key. */
async function forgeries(guard: Guard): Promise<string[]> {
  const claims = claimsFor(provider.issuer, Math.floor(Date.now() / 1000));
  return [
    await guard.token(impostor),
    `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'key-a' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.AA`,
    signHmac('HS256', { kid: 'key-a' }, claims, JSON.stringify(keyA.jwk)),
  ];
}

const FAULTS: Array<[string, JwksFault]> = [
  ['answers more slowly than the fetch timeout (3 s)', { kind: 'slow', delayMs: 3_000 }],
  ['hangs: accepts the connection and never answers', { kind: 'hang' }],
  ['sends its headers, then one byte every 200 ms', { kind: 'trickle', intervalMs: 200 }],
  ['answers 500', { kind: 'status', status: 500 }],
  ['answers 404 (the JWKS, not discovery)', { kind: 'status', status: 404 }],
  ['redirects in a loop', { kind: 'redirect-loop' }],
  ['streams 50 MB without Content-Length', { kind: 'huge', bytes: FIFTY_MB, declareLength: false }],
  ['declares and streams 50 MB', { kind: 'huge', bytes: FIFTY_MB, declareLength: true }],
  ['sends random bytes', { kind: 'body', body: garbage(), contentType: 'application/octet-stream' }],
  [
    'sends an HTML error page with 200',
    { kind: 'body', body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' },
  ],
  ['sends truncated JSON', { kind: 'body', body: '{"keys":[{"kty":"RSA","kid":"key-a","n":"' }],
  ['sends a JSON array', { kind: 'body', body: '[]' }],
  ['sends a JSON object without "keys"', { kind: 'body', body: '{"jwks":[]}' }],
  ['sends "keys" that is not an array', { kind: 'body', body: '{"keys":{"0":{"kty":"RSA"}}}' }],
];

describe('a JWKS endpoint that fails, met with no keys known', () => {
  test.each(FAULTS)(
    'when it %s: a valid token gets 503 with Retry-After within the timeout, forgeries get no 200',
    async (_name, fault) => {
      provider.fault = fault;
      const sentBefore = provider.bytesSent.jwks;
      const abandonedBefore = provider.abandoned.jwks;
      const guard = await startGuard();
      expectUnavailable(await guard.get(await guard.token(keyA)));
      for (const forged of await forgeries(guard)) expect([401, 503]).toContain((await guard.get(forged)).status);
      if (fault.kind === 'huge') {
        await waitFor(() => provider.abandoned.jwks > abandonedBefore, DEADLINE); // the guard hung up on the 50 MB answer
        expect(provider.bytesSent.jwks - sentBefore).toBeLessThan(FIFTY_MB / 4);
      }
    },
  );
});

describe('a JWKS endpoint that fails, met with keys known', () => {
  test.each(FAULTS)(
    'when it %s: known keys keep working, a new kid gets 503, forgeries get 401',
    async (_name, fault) => {
      const guard = await startGuard();
      expect((await guard.get(await guard.token(keyA))).status).toBe(200);
      provider.fault = fault;
      provider.keys = [keyA.jwk, keyB.jwk];
      const requests = provider.requests.jwks;
      guard.advance(MAX_AGE); // the keys are old: the next request starts a background refresh, which fails
      expect((await guard.get(await guard.token(keyA))).status).toBe(200);
      await waitFor(() => provider.requests.jwks > requests, DEADLINE);
      await waitFor(() => guard.auth.status()[0]!.state === 'stale', DEADLINE);
      expect((await guard.get(await guard.token(keyA))).status).toBe(200);
      expectUnavailable(await guard.get(await guard.token(keyB)));
      const [impostorToken, ...others] = await forgeries(guard);
      expectChallenge(await guard.get(impostorToken!), 401, 'invalid_token', SIG, undefined, 'faulty');
      for (const forged of others) expect((await guard.get(forged)).status).toBe(401);
      expect(guard.auth.status()[0]).toMatchObject({ state: 'stale', keyCount: 1 });
    },
  );

  test.each(FAULTS)(
    'when it %s and then recovers: the new key is accepted once the cooldown is over',
    async (_name, fault) => {
      const guard = await startGuard();
      expect((await guard.get(await guard.token(keyA))).status).toBe(200);
      provider.fault = fault;
      provider.keys = [keyA.jwk, keyB.jwk];
      expectUnavailable(await guard.get(await guard.token(keyB)));
      provider.fault = { kind: 'ok' };
      guard.advance(COOLDOWN);
      expect((await guard.get(await guard.token(keyB))).status).toBe(200);
      expect((await guard.get(await guard.token(keyA))).status).toBe(200);
      expect(guard.auth.status()[0]).toMatchObject({ state: 'fresh', keyCount: 2 });
    },
  );
});

/** A public JWK of an RSA key that differs from `key`'s but keeps its kid. */
async function otherRsaJwk(
  kid: string,
  modulusLength = 2048,
): Promise<{ jwk: JWK; sign: (payload: Record<string, unknown>) => string }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return {
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
    sign: (payload) => signJson({ alg: 'RS256', privateKey }, { alg: 'RS256', typ: 'JWT', kid }, payload),
  };
}

describe('JWKS bodies a careless provider might publish (met cold)', () => {
  const only = (jwk: JWK) => JSON.stringify({ keys: [jwk] });
  const publish = (body: string) => {
    provider.fault = { kind: 'body', body };
  };

  test('key A published with use "enc" does not verify key A\'s tokens (401)', async () => {
    publish(only({ ...keyA.jwk, use: 'enc' }));
    const guard = await startGuard();
    expectChallenge(await guard.get(await guard.token(keyA)), 401, 'invalid_token', NO_KEY, undefined, 'faulty');
  });

  test.each([['RS512'], ['PS256'], ['ES256'], ['RSA-OAEP']])(
    'key A published with alg %s does not verify its RS256 tokens (401)',
    async (alg) => {
      publish(only({ ...keyA.jwk, alg }));
      const guard = await startGuard();
      expectChallenge(await guard.get(await guard.token(keyA)), 401, 'invalid_token', NO_KEY, undefined, 'faulty');
    },
  );

  test('key A published with key_ops ["encrypt"] does not verify its tokens (401)', async () => {
    publish(only({ ...keyA.jwk, key_ops: ['encrypt'] }));
    const guard = await startGuard();
    expectChallenge(await guard.get(await guard.token(keyA)), 401, 'invalid_token', NO_KEY, undefined, 'faulty');
  });

  test('a published private key is never trusted: its kid finds no key (401), so what anyone signs with it fails', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const leaked = { ...(await exportJWK(privateKey)), kid: 'leaked', alg: 'RS256', use: 'sig' };
    publish(only(leaked));
    const guard = await startGuard();
    const token = signJson(
      { alg: 'RS256', privateKey },
      { alg: 'RS256', typ: 'JWT', kid: 'leaked' },
      claimsFor(provider.issuer, Math.floor(Date.now() / 1000)),
    );
    expectChallenge(await guard.get(token), 401, 'invalid_token', NO_KEY, undefined, 'faulty');
  });

  test('a private entry beside the public one under the same kid: the public one verifies (200), the private one is ignored', async () => {
    const privateJwk = { ...(await exportJWK(keyA.privateKey)), kid: 'key-a', alg: 'RS256', use: 'sig' };
    publish(JSON.stringify({ keys: [privateJwk, keyA.jwk] }));
    const guard = await startGuard();
    expect((await guard.get(await guard.token(keyA))).status).toBe(200);
    expectChallenge(await guard.get(await guard.token(impostor)), 401, 'invalid_token', SIG, undefined, 'faulty');
  });

  test('a symmetric (oct) key under kid key-a is never used: HS256 with its secret gets 401, RS256 finds no key', async () => {
    publish(
      only({
        kty: 'oct',
        k: Buffer.from('shared-secret').toString('base64url'),
        kid: 'key-a',
        alg: 'HS256',
        use: 'sig',
      }),
    );
    const guard = await startGuard();
    const claims = claimsFor(provider.issuer, Math.floor(Date.now() / 1000));
    expectChallenge(
      await guard.get(signHmac('HS256', { kid: 'key-a', typ: 'JWT' }, claims, 'shared-secret')),
      401,
      'invalid_token',
      'token "alg" is not allowed; only asymmetric signatures are accepted',
      undefined,
      'faulty',
    );
    expectChallenge(await guard.get(await guard.token(keyA)), 401, 'invalid_token', NO_KEY, undefined, 'faulty');
  });

  test('duplicate kids: each published key verifies its own tokens, an unpublished key under that kid gets 401', async () => {
    const other = await otherRsaJwk('key-a');
    publish(JSON.stringify({ keys: [other.jwk, keyA.jwk] }));
    const guard = await startGuard();
    expect((await guard.get(await guard.token(keyA))).status).toBe(200);
    expect(
      (await guard.get(other.sign(claimsFor(provider.issuer, Math.floor(Date.now() / 1000), { jti: randomUUID() }))))
        .status,
    ).toBe(200);
    expectChallenge(await guard.get(await guard.token(impostor)), 401, 'invalid_token', SIG, undefined, 'faulty');
  });

  test('duplicate kids where one entry cannot be imported: the good one still verifies (200)', async () => {
    publish(JSON.stringify({ keys: [{ kty: 'RSA', kid: 'key-a', alg: 'RS256', n: '!!', e: 'AQAB' }, keyA.jwk] }));
    const guard = await startGuard();
    expect((await guard.get(await guard.token(keyA))).status).toBe(200);
    expectChallenge(await guard.get(await guard.token(impostor)), 401, 'invalid_token', SIG, undefined, 'faulty');
  });

  test('a 1024-bit RSA key is published but never verifies (RFC 7518 §3.3 wants 2048 bits): 401', async () => {
    const weak = await otherRsaJwk('weak', 1024);
    publish(only(weak.jwk));
    const guard = await startGuard();
    expectChallenge(
      await guard.get(weak.sign(claimsFor(provider.issuer, Math.floor(Date.now() / 1000)))),
      401,
      'invalid_token',
      UNUSABLE,
      undefined,
      'faulty',
    );
    expect(guard.auth.status()[0]!.skippedKeys).toEqual([
      { kid: 'weak', reason: 'its modulus is shorter than 2048 bits' },
    ]);
  });

  test('a key with public exponent 1 is published (Wycheproof): a token anyone forged under it gets 401, never 200', async () => {
    publish(only(EXPONENT_ONE_JWK));
    const guard = await startGuard();
    const forged = signUnderExponentOne(
      { typ: 'JWT', kid: EXPONENT_ONE_JWK.kid },
      claimsFor(provider.issuer, Math.floor(Date.now() / 1000), { sub: 'anyone-i-like' }),
      256,
    );
    expectChallenge(await guard.get(forged), 401, 'invalid_token', UNUSABLE, undefined, 'faulty');
    expect(guard.auth.status()[0]).toMatchObject({
      keyCount: 0,
      skippedKeys: [{ kid: 'RS256_2048', reason: 'its public exponent is not an odd number from 3 to 2^256' }],
    });
  });

  test('a ROCA-weak key (Wycheproof) is skipped and said to be, while the safe key beside it keeps working', async () => {
    publish(JSON.stringify({ keys: [ROCA_JWK, keyA.jwk] }));
    const guard = await startGuard();
    expect((await guard.get(await guard.token(keyA))).status).toBe(200);
    expect(guard.auth.status()[0]).toMatchObject({
      keyCount: 1,
      skippedKeys: [
        {
          kid: 'kid-rsa-roca-sign',
          reason: 'its modulus has the ROCA fingerprint of a weak Infineon key (CVE-2017-15361)',
        },
      ],
    });
  });

  test('an EC key published with the wrong curve does not verify ES256 tokens: 401', async () => {
    const ec = await createFakeKey('ES256', 'ec-key');
    publish(only({ ...ec.jwk, crv: 'P-384' }));
    const guard = await startGuard();
    expectChallenge(await guard.get(await guard.token(ec)), 401, 'invalid_token', UNUSABLE, undefined, 'faulty');
    expect(guard.auth.status()[0]!.skippedKeys).toEqual([
      { kid: 'ec-key', reason: 'it is not a valid point on its curve' },
    ]);
  });

  test("a JWKS of junk entries under the token's kid makes the key unusable: 401, never 200 or 500", async () => {
    publish(JSON.stringify({ keys: [1, 'x', null, { kty: 'RSA', kid: 'key-a' }] }));
    const guard = await startGuard();
    expectChallenge(await guard.get(await guard.token(keyA)), 401, 'invalid_token', UNUSABLE, undefined, 'faulty');
  });

  test("a well-formed JWKS is the provider's word even when warm: an empty one replaces the keys, and known tokens get 401 (never 200)", async () => {
    const guard = await startGuard();
    expect((await guard.get(await guard.token(keyA))).status).toBe(200);
    publish('{"keys":[]}');
    guard.advance(MAX_AGE);
    await guard.get(await guard.token(keyA)); // starts the refresh that brings the empty set
    await waitFor(() => guard.auth.status()[0]!.keyCount === 0, DEADLINE);
    expectChallenge(await guard.get(await guard.token(keyA)), 401, 'invalid_token', NO_KEY, undefined, 'faulty');
  });
});

describe('the demo app with its own settings (5 s fetch timeout)', () => {
  test('a hanging provider: known keys keep working, a new key gets 503 with Retry-After within the 5 s timeout', async () => {
    const idp = await startFakeProvider();
    const demo = await startDemo(idp);
    try {
      const call = (token: string) =>
        within(5_000 + 2_500, send(`${demo.url}/api/private`, { headers: bearer(token) }));
      const known = idp.currentKey;
      expect((await call(await idp.mint())).status).toBe(200);
      idp.setOutage('hang');
      const rotated = await idp.rotate(); // published by a provider nobody can reach
      expect((await call(await idp.mint({}, { key: known }))).status).toBe(200);
      expectUnavailable(await call(await idp.mint({}, { key: rotated })));
      expectDemoChallenge(
        await call(await idp.mint({}, { key: await createFakeKey('RS256', known.kid) })),
        401,
        'invalid_token',
        SIG,
      );
    } finally {
      idp.setOutage(undefined);
      await Promise.all([demo.close(), idp.close()]);
    }
  }, 15_000);
});
