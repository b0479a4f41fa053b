import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK } from 'jose';
import { InvalidTokenError, ProviderUnavailableError } from '../../../../src/core/errors.js';
import { resolveOptions, type AuthOptions } from '../../../../src/core/options.js';
import { createTokenVerifier, type TokenVerifier } from '../../../../src/core/jwt/verify.js';
import { createFakeKey, startFakeProvider, type FakeProvider } from '../../../../src/testing/index.js';
import { claimsFor, craft, nowSeconds, sign } from '../../../helpers/tokens.js';

let idp: FakeProvider;
let second: FakeProvider; // another realm, with its own keys
let attacker: FakeProvider;

beforeAll(async () => {
  [idp, second, attacker] = await Promise.all([
    startFakeProvider(),
    startFakeProvider({ realm: 'other' }),
    startFakeProvider({ realm: 'evil' }),
  ]);
});
afterAll(async () => {
  await Promise.all([idp.close(), second.close(), attacker.close()]);
});

function verifier(options: Partial<AuthOptions> = {}): TokenVerifier {
  return createTokenVerifier(resolveOptions({ issuer: idp.issuer, audience: 'test-api', ...options }));
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

async function expectInvalid(promise: Promise<unknown>, message: string): Promise<void> {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(InvalidTokenError);
  expect(error).toMatchObject({ code: 'invalid_token', status: 401, message });
}

/** Runs `fn` and returns how many discovery and JWKS requests the provider saw meanwhile. */
async function fetchesDuring(provider: FakeProvider, fn: () => Promise<unknown>): Promise<number> {
  const before = provider.requests.discovery + provider.requests.jwks;
  await fn();
  return provider.requests.discovery + provider.requests.jwks - before;
}

describe('createTokenVerifier', () => {
  test('verifies a Keycloak access token and returns the peer-compatible shape with parsed scopes and roles', async () => {
    const token = await idp.mint({
      sub: 'user-1',
      scope: 'openid test_api_access email',
      realm_access: { roles: ['admin'] },
      resource_access: { 'my.api': { roles: ['reader'] } },
    });
    const verified = await verifier().verify(token);
    expect(verified).toMatchObject({
      header: { alg: 'RS256', typ: 'JWT', kid: idp.currentKey.kid },
      payload: { sub: 'user-1', iss: idp.issuer, azp: 'test_api_client' },
      token,
      issuer: idp.issuer,
      scopes: ['openid', 'test_api_access', 'email'],
      roles: ['admin'],
      clientId: 'test_api_client',
    });
    expect({ ...verified.clientRoles }).toEqual({ 'my.api': ['reader'] });
  });

  test('takes client_id as the client when there is no azp (RFC 9068)', async () => {
    const token = await idp.mint({ azp: undefined, client_id: 'rfc9068-client' }, { header: { typ: 'at+jwt' } });
    expect((await verifier().verify(token)).clientId).toBe('rfc9068-client');
  });

  describe('refused before any key is fetched', () => {
    // Messages naming the provider's issuer are built when the test runs: its port is known only then.
    const untrusted = () => `token "iss" is not a trusted issuer; expected "${idp.issuer}"`;
    const cheap: Array<[string, () => Promise<string>, string | (() => string)]> = [
      [
        'alg none',
        async () => craft({ alg: 'none' }, claimsFor(idp.issuer, nowSeconds())),
        'token "alg" is not allowed; only asymmetric signatures are accepted',
      ],
      [
        'alg HS256 (HMAC with the public key as secret)',
        async () =>
          sign(
            { alg: 'HS256', kid: idp.currentKey.kid },
            claimsFor(idp.issuer, nowSeconds()),
            new TextEncoder().encode(JSON.stringify(idp.currentKey.jwk)),
          ),
        'token "alg" is not allowed; only asymmetric signatures are accepted',
      ],
      [
        'an unknown alg',
        async () => craft({ alg: 'RS1', kid: 'k' }, claimsFor(idp.issuer, nowSeconds())),
        'token "alg" is not allowed; only asymmetric signatures are accepted',
      ],
      [
        'no alg',
        async () => craft({ kid: 'k' }, claimsFor(idp.issuer, nowSeconds())),
        'token "alg" is not allowed; only asymmetric signatures are accepted',
      ],
      [
        'a crit header',
        async () =>
          craft({ alg: 'RS256', kid: idp.currentKey.kid, crit: ['exp'], exp: 1 }, claimsFor(idp.issuer, nowSeconds())),
        'token header has a "crit" extension this server does not understand',
      ],
      ['a kid that is not a string', async () => idp.mint({}, { header: { kid: 7 } }), 'token "kid" must be a string'],
      ['an iss of no configured issuer', async () => attacker.mint(), untrusted],
      [
        'an iss with a trailing slash',
        async () => idp.mint({ iss: `${idp.issuer}/` }),
        () => `${untrusted()} (the token's "iss" differs from "${idp.issuer}" only by a trailing slash)`,
      ],
      ['an iss in another case', async () => idp.mint({ iss: idp.issuer.replace('myorg', 'MyOrg') }), untrusted],
      ['no iss', async () => idp.mint({ iss: undefined }), untrusted],
      [
        'an ID token',
        async () => idp.mint({ typ: 'ID' }),
        'token is an ID token ("typ" claim is not Bearer); send an access token',
      ],
      ['an expired token', async () => idp.mint({}, { expiresIn: -60 }), 'token has expired'],
      [
        'no aud',
        async () => idp.mint({ aud: undefined }),
        'token has no "aud" claim; add an Audience mapper for "test-api" to the client',
      ],
      [
        'a scope that is not a string',
        async () => idp.mint({ scope: 5 }),
        '"scope" claim must be a space-delimited string',
      ],
      [
        'a JWE',
        async () => 'eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn',
        'token is not a compact JWS (three base64url parts)',
      ],
    ];
    test.each(cheap)('refuses a token with %s, fetching nothing', async (_what, make, message) => {
      const token = await make();
      const v = verifier();
      const expected = typeof message === 'string' ? message : message();
      expect(await fetchesDuring(idp, () => expectInvalid(v.verify(token), expected))).toBe(0);
      expect(v.status()[0]!.state).toBe('empty');
    });
  });

  test('refuses an algorithm outside the configured allow-list', async () => {
    await expectInvalid(
      verifier({ algorithms: ['ES256'] }).verify(await idp.mint()),
      'token "alg" is not allowed; only asymmetric signatures are accepted',
    );
  });

  test('accepts an ID-shaped token only when the access-token check is turned off', async () => {
    const token = await idp.mint({ typ: 'ID' });
    expect((await verifier({ requireAccessToken: false }).verify(token)).payload.typ).toBe('ID');
  });

  test('refuses a token whose signature does not verify', async () => {
    const token = await idp.mint();
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BA' : 'AA'}`;
    await expectInvalid(verifier().verify(flipped), 'token signature is invalid');
  });

  test('refuses a token whose payload was changed after signing', async () => {
    const token = await idp.mint({ realm_access: { roles: [] } });
    const [h, , s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify(claimsFor(idp.issuer, nowSeconds(), { realm_access: { roles: ['admin'] } })),
    ).toString('base64url');
    await expectInvalid(verifier().verify(`${h}.${forged}.${s}`), 'token signature is invalid');
  });

  test("refuses a token signed by another key under the provider's kid", async () => {
    const impostor = await createFakeKey('RS256', idp.currentKey.kid);
    await expectInvalid(verifier().verify(await idp.mint({}, { key: impostor })), 'token signature is invalid');
  });

  test('refuses a token whose kid is unknown after one refetch', async () => {
    const stranger = await createFakeKey('RS256');
    const v = verifier();
    await v.verify(await idp.mint());
    const before = idp.requests.jwks;
    await expectInvalid(
      v.verify(await idp.mint({}, { key: stranger })),
      'no signing key of the issuer matches the token\'s "kid"',
    );
    expect(idp.requests.jwks).toBe(before + 1);
  });

  test('refuses an alg that does not fit the key the kid names (PS256 under an RS256 key)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    idp.setJwksBody(
      JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'rs-only', alg: 'RS256', use: 'sig' }] }),
    );
    try {
      const v = verifier();
      const claims = claimsFor(idp.issuer, nowSeconds());
      await expect(v.verify(await sign({ alg: 'RS256', kid: 'rs-only' }, claims, privateKey))).resolves.toBeDefined();
      await expectInvalid(
        v.verify(await sign({ alg: 'PS256', kid: 'rs-only' }, claims, privateKey)),
        'no signing key of the issuer matches the token\'s "kid"',
      );
      const ec = await createFakeKey('ES256');
      await expectInvalid(
        v.verify(await sign({ alg: 'ES256', kid: 'rs-only' }, claims, ec.privateKey)),
        'no signing key of the issuer matches the token\'s "kid"',
      );
    } finally {
      idp.setJwksBody(undefined);
    }
  });

  test('never trusts a key or key URL carried in the header (jwk, jku, x5u, x5c)', async () => {
    const evil = attacker.currentKey;
    const header = {
      alg: 'RS256',
      kid: evil.kid,
      jwk: await exportJWK(evil.privateKey).then(({ n, e, kty }) => ({ n, e, kty })),
      jku: attacker.jwksUri,
      x5u: `${attacker.jwksUri}/cert.pem`,
      x5c: ['MIIB'],
    };
    const before = attacker.requests.jwks;
    await expectInvalid(
      verifier().verify(await sign(header, claimsFor(idp.issuer, nowSeconds()), evil.privateKey)),
      'no signing key of the issuer matches the token\'s "kid"',
    );
    expect(attacker.requests.jwks).toBe(before);
  });

  test('verifies with the right key when the JWKS repeats a kid', async () => {
    const [a, b] = await Promise.all([createFakeKey('RS256', 'same'), createFakeKey('RS256', 'same')]);
    idp.setJwksBody(JSON.stringify({ keys: [a.jwk, b.jwk] }));
    try {
      const v = verifier();
      expect((await v.verify(await idp.mint({ sub: 'b' }, { key: b }))).payload.sub).toBe('b');
      expect((await v.verify(await idp.mint({ sub: 'a' }, { key: a }))).payload.sub).toBe('a');
    } finally {
      idp.setJwksBody(undefined);
    }
  });

  test.each(['PS256', 'ES256', 'ES384', 'EdDSA', 'RS512'] as const)('verifies a token signed with %s', async (alg) => {
    const key = await createFakeKey(alg);
    idp.setJwksBody(JSON.stringify({ keys: [key.jwk] }));
    try {
      expect((await verifier().verify(await idp.mint({}, { key }))).header.alg).toBe(alg);
    } finally {
      idp.setJwksBody(undefined);
    }
  });

  test('answers 503 when the key is unknown and the provider cannot be reached', async () => {
    idp.setOutage('refuse');
    try {
      const error = await refusal(verifier().verify(await idp.mint()));
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(error).toMatchObject({ code: 'temporarily_unavailable', status: 503, retryAfter: 1 });
    } finally {
      idp.setOutage(undefined);
    }
  });

  test('refuses a token too long for maxTokenLength', async () => {
    await expectInvalid(
      verifier({ maxTokenLength: 100 }).verify(await idp.mint()),
      'token is longer than 100 characters',
    );
  });

  test('checks times against the injected clock', async () => {
    const token = await idp.mint({}, { expiresIn: 300 });
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
    await expect(verifier({ now: () => (exp + 29) * 1000 }).verify(token)).resolves.toBeDefined();
    await expectInvalid(verifier({ now: () => (exp + 30) * 1000 }).verify(token), 'token has expired');
  });

  describe('tokens seen before (verified-token cache)', () => {
    test('checks a token seen before against the clock again', async () => {
      let now = Date.now();
      const v = verifier({ now: () => now });
      const token = await idp.mint({}, { expiresIn: 60 });
      await v.verify(token);
      now += (60 + 30) * 1000;
      await expectInvalid(v.verify(token), 'token has expired');
    });

    test('verifies a token seen before again once its key is no longer published', async () => {
      const retiring = await idp.rotate();
      const v = verifier();
      const old = await idp.mint({ sub: 'old' });
      expect((await v.verify(old)).payload.sub).toBe('old');
      await idp.rotate();
      idp.unpublish(retiring.kid);
      await v.verify(await idp.mint()); // an unknown kid: the keys are fetched again
      await expectInvalid(v.verify(old), 'no signing key of the issuer matches the token\'s "kid"');
    });

    test('hands out a frozen token, so a handler cannot change what the next request with it is judged by', async () => {
      const v = verifier();
      const token = await idp.mint({ scope: 'email', realm_access: { roles: ['user'] } });
      const first = await v.verify(token);
      expect(() => (first.scopes as string[]).push('admin')).toThrow(TypeError);
      expect(() => (first.roles as string[]).push('admin')).toThrow(TypeError);
      expect(() => {
        (first.payload as { scope?: string }).scope = 'email admin';
      }).toThrow(TypeError);
      const second = await v.verify(token);
      expect(second.scopes).toEqual(['email']);
      expect(second.roles).toEqual(['user']);
    });

    test('refreshes aging keys in the background even when only tokens seen before arrive', async () => {
      let now = Date.now();
      const v = verifier({ now: () => now, keys: { maxAge: 60_000 } });
      const token = await idp.mint({}, { expiresIn: 3600 });
      await v.verify(token);
      const before = idp.requests.jwks;
      now += 50_000;
      await v.verify(token);
      for (let i = 0; i < 100 && idp.requests.jwks === before; i++) await new Promise((r) => setTimeout(r, 10));
      expect(idp.requests.jwks).toBe(before + 1);
    });

    test('still refuses a forged copy of a token seen before', async () => {
      const v = verifier();
      const token = await idp.mint({ scope: 'email' });
      await v.verify(token);
      const [h, , sig] = token.split('.') as [string, string, string];
      const forged = `${h}.${Buffer.from(JSON.stringify(claimsFor(idp.issuer, nowSeconds(), { scope: 'email admin' }))).toString('base64url')}.${sig}`;
      await expectInvalid(v.verify(forged), 'token signature is invalid');
    });
  });

  describe('several issuers', () => {
    test('verifies tokens of two realms, each with its own keys', async () => {
      const v = verifier({ issuer: [idp.issuer, second.issuer] });
      expect((await v.verify(await idp.mint())).issuer).toBe(idp.issuer);
      expect((await v.verify(await second.mint())).issuer).toBe(second.issuer);
      expect(v.status().map((s) => [s.issuer, s.state])).toEqual([
        [idp.issuer, 'fresh'],
        [second.issuer, 'fresh'],
      ]);
    });

    test("refuses a token claiming one realm but signed with the other realm's key", async () => {
      const v = verifier({ issuer: [idp.issuer, second.issuer] });
      await v.verify(await idp.mint());
      const crossed = await idp.mint({ iss: second.issuer });
      await expectInvalid(v.verify(crossed), 'no signing key of the issuer matches the token\'s "kid"');
    });

    test('fetches only the keys of the issuer a token names', async () => {
      const v = verifier({ issuer: [idp.issuer, second.issuer] });
      const token = await idp.mint();
      expect(await fetchesDuring(second, () => v.verify(token))).toBe(0);
      expect(v.status().map((s) => s.state)).toEqual(['fresh', 'empty']);
    });
  });

  describe('warmUp and status', () => {
    test("warmUp fetches every issuer's keys", async () => {
      const v = verifier({ issuer: [idp.issuer, second.issuer] });
      await v.warmUp();
      expect(v.status().map((s) => s.state)).toEqual(['fresh', 'fresh']);
    });

    test('warmUp rejects when one issuer cannot be reached', async () => {
      second.setOutage('error');
      try {
        const v = verifier({ issuer: [idp.issuer, second.issuer] });
        await expect(v.warmUp()).rejects.toThrow(`${second.issuer}/.well-known/openid-configuration answered HTTP 500`);
        expect(v.status()[1]!.state).toBe('unreachable');
      } finally {
        second.setOutage(undefined);
      }
    });
  });
});
