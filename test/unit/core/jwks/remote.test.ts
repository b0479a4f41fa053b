import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { compactVerify, exportJWK } from 'jose';
import { InvalidTokenError, ProviderUnavailableError } from '../../../../src/core/errors.js';
import { FetchFailedError } from '../../../../src/core/http/fetch-json.js';
import { RemoteKeySet, type ResolvedKey } from '../../../../src/core/jwks/remote.js';
import type { KeySetOptions, ResolvedIssuer } from '../../../../src/core/options.js';
import { createFakeKey, startFakeProvider, type FakeKey, type FakeProvider } from '../../../../src/testing/index.js';
import { claimsFor, signWithKey } from '../../../helpers/tokens.js';
import { waitFor } from '../../../helpers/wait.js';
import { freePort, listenOnLoopback } from '../../../helpers/free-port.js';
import { EXPONENT_ONE_JWK, OFF_CURVE_JWK, ROCA_JWK, RSA_1024_JWK } from '../../../security/wycheproof-vectors.js';

const KEYS: Required<KeySetOptions> = { maxAge: 600_000, cooldown: 10_000, timeout: 1_000, maxResponseBytes: 65_536 };
const NO_MATCH = 'no signing key of the issuer matches the token\'s "kid"';
const UNAVAILABLE = "the identity provider cannot be reached to fetch the token's key";

let idp: FakeProvider;
let bare: FakeProvider;
let clock = 1_700_000_000_000;

beforeAll(async () => {
  [idp, bare] = await Promise.all([startFakeProvider(), startFakeProvider({ discovery: false })]);
});
afterAll(async () => {
  await Promise.all([idp.close(), bare.close()]);
});
afterEach(() => {
  idp.setOutage(undefined);
  idp.setJwksBody(undefined);
  clock += 3_600_000;
});

function issuerOf(provider: FakeProvider, overrides: Partial<ResolvedIssuer> = {}): ResolvedIssuer {
  return { issuer: provider.issuer, discoveryUrl: provider.issuer, jwksUri: undefined, ...overrides };
}

function keySet(keys: Partial<KeySetOptions> = {}, issuer: ResolvedIssuer = issuerOf(idp)): RemoteKeySet {
  return new RemoteKeySet(issuer, {
    keys: { ...KEYS, ...keys },
    now: () => clock,
    fetch: globalThis.fetch,
    allowInsecureHttp: false,
  });
}

function headerOf(key: Pick<FakeKey, 'alg' | 'kid'>): { alg: string; kid: string } {
  return { alg: key.alg, kid: key.kid };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

async function expectNoMatch(promise: Promise<unknown>): Promise<void> {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(InvalidTokenError);
  expect(error).toMatchObject({ code: 'invalid_token', message: NO_MATCH });
}

async function expectUnavailable(promise: Promise<unknown>, retryAfter = 10): Promise<ProviderUnavailableError> {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(ProviderUnavailableError);
  expect(error).toMatchObject({ code: 'temporarily_unavailable', status: 503, message: UNAVAILABLE, retryAfter });
  return error as ProviderUnavailableError;
}

/** A warmed key set and the request counters at that point. */
async function warm(
  keys: Partial<KeySetOptions> = {},
): Promise<{ ks: RemoteKeySet; jwks: () => number; discovery: () => number }> {
  const ks = keySet(keys);
  await ks.getKeys(headerOf(idp.currentKey));
  const base = { ...idp.requests };
  return { ks, jwks: () => idp.requests.jwks - base.jwks, discovery: () => idp.requests.discovery - base.discovery };
}

function unknownKid(): { alg: string; kid: string } {
  return { alg: 'RS256', kid: `forged-${randomUUID()}` };
}

describe('RemoteKeySet', () => {
  test('fetches the keys once and serves later requests from the cache', async () => {
    const before = { ...idp.requests };
    const ks = keySet();
    const [key] = await ks.getKeys(headerOf(idp.currentKey));
    expect(key).toBeDefined();
    await ks.getKeys(headerOf(idp.currentKey));
    await ks.getKeys(headerOf(idp.currentKey));
    expect(idp.requests).toEqual({ discovery: before.discovery + 1, jwks: before.jwks + 1 });
  });

  test('shares the first fetch among 50 concurrent requests', async () => {
    const before = { ...idp.requests };
    const ks = keySet();
    const results = await Promise.all(Array.from({ length: 50 }, () => ks.getKeys(headerOf(idp.currentKey))));
    expect(results.every((keys) => keys.length === 1)).toBe(true);
    expect(idp.requests).toEqual({ discovery: before.discovery + 1, jwks: before.jwks + 1 });
  });

  test('refreshes the keys in the background ahead of expiry, picking up a rotated key without restart', async () => {
    const { ks, jwks } = await warm();
    const original = idp.currentKey;
    const fetchedAt = ks.status().fetchedAt!;
    clock = fetchedAt + KEYS.maxAge * 0.8 - 1;
    await ks.getKeys(headerOf(original));
    expect(jwks()).toBe(0);
    const rotated = await idp.rotate();
    clock = fetchedAt + KEYS.maxAge * 0.8;
    await ks.getKeys(headerOf(original));
    await waitFor(() => ks.status().fetchedAt === clock);
    expect(jwks()).toBe(1);
    await ks.getKeys(headerOf(rotated)); // known now: no further fetch
    expect(jwks()).toBe(1);
    expect(ks.status().state).toBe('fresh');
  });

  test('refetches once for an unknown kid and accepts a key published while no flood is going on at once', async () => {
    const { ks, jwks } = await warm();
    const rotated = await idp.rotate();
    await expect(ks.getKeys(headerOf(rotated))).resolves.toHaveLength(1);
    expect(jwks()).toBe(1);
  });

  test('shares one refetch among 50 concurrent requests for the same unknown kid (single flight)', async () => {
    const { ks, jwks } = await warm();
    const rotated = await idp.rotate();
    const results = await Promise.all(Array.from({ length: 50 }, () => ks.getKeys(headerOf(rotated))));
    expect(results).toHaveLength(50);
    expect(jwks()).toBe(1);
  });

  test('refuses a kid that is still unknown after one refetch', async () => {
    const { ks, jwks } = await warm();
    await expectNoMatch(ks.getKeys(unknownKid()));
    expect(jwks()).toBe(1);
  });

  test('refetches at most once per cooldown window however many unknown kids arrive', async () => {
    const { ks, jwks } = await warm();
    const start = clock;
    const flood = await Promise.allSettled(Array.from({ length: 100 }, () => ks.getKeys(unknownKid())));
    expect(flood.every((r) => r.status === 'rejected' && r.reason instanceof InvalidTokenError)).toBe(true);
    expect(jwks()).toBe(1);
    for (let i = 0; i < 20; i++) {
      clock = start + i * 499;
      await expectNoMatch(ks.getKeys(unknownKid()));
    }
    expect(jwks()).toBe(1);
    clock = start + KEYS.cooldown;
    await expectNoMatch(ks.getKeys(unknownKid()));
    expect(jwks()).toBe(2);
  });

  test('fetches the keys only once when the very first token names an unknown kid', async () => {
    const ks = keySet();
    const before = idp.requests.jwks;
    await expectNoMatch(ks.getKeys(unknownKid()));
    expect(idp.requests.jwks - before).toBe(1);
  });

  test('never extends the cooldown while unknown kids keep arriving, so a new key is accepted when it ends', async () => {
    const { ks, jwks } = await warm();
    const start = clock;
    await expectNoMatch(ks.getKeys(unknownKid())); // refetch, cooldown until start + cooldown
    for (let t = 1; t < KEYS.cooldown; t += 1000) {
      clock = start + t;
      await expectNoMatch(ks.getKeys(unknownKid())); // the flood goes on
    }
    const rotated = await idp.rotate();
    clock = start + KEYS.cooldown;
    await expect(ks.getKeys(headerOf(rotated))).resolves.toHaveLength(1);
    expect(jwks()).toBe(2);
  });

  test('refreshIfAging starts a background refresh once the keys near maxAge, and not before', async () => {
    const { ks, jwks } = await warm({ maxAge: 100_000 });
    clock += 79_000;
    ks.refreshIfAging();
    expect(jwks()).toBe(0);
    clock += 2_000;
    ks.refreshIfAging();
    await waitFor(() => jwks() === 1);
    expect(jwks()).toBe(1);
  });

  test('accepts a key published during a flood once the cooldown ends', async () => {
    const { ks, jwks } = await warm();
    const start = clock;
    await expectNoMatch(ks.getKeys(unknownKid())); // the flood starts the cooldown
    const rotated = await idp.rotate();
    clock = start + KEYS.cooldown - 1;
    await expectNoMatch(ks.getKeys(headerOf(rotated)));
    expect(jwks()).toBe(1);
    clock = start + KEYS.cooldown;
    await expect(ks.getKeys(headerOf(rotated))).resolves.toHaveLength(1);
    expect(jwks()).toBe(2);
  });

  test('keeps serving known keys while the provider is down (stale), and answers 503 for an unknown kid', async () => {
    const { ks, discovery } = await warm();
    idp.setOutage('error');
    clock += KEYS.maxAge + 1;
    await expect(ks.getKeys(headerOf(idp.currentKey))).resolves.toHaveLength(1);
    await waitFor(() => ks.status().lastError !== undefined);
    expect(discovery()).toBe(1); // the background refresh, failed
    expect(ks.status().state).toBe('stale');
    await expectUnavailable(ks.getKeys(unknownKid()));
    expect(discovery()).toBe(1); // within the cooldown: no new fetch
    clock += KEYS.cooldown;
    const error = await expectUnavailable(ks.getKeys(unknownKid()));
    expect(error.cause).toBeInstanceOf(FetchFailedError);
    expect(discovery()).toBe(2);
    await expect(ks.getKeys(headerOf(idp.currentKey))).resolves.toHaveLength(1);
  });

  test('answers 503 with the remaining cooldown as Retry-After while the provider stays down', async () => {
    const { ks } = await warm();
    idp.setOutage('refuse');
    const start = clock;
    await expectUnavailable(ks.getKeys(unknownKid()), 10);
    clock = start + 3_500;
    await expectUnavailable(ks.getKeys(unknownKid()), 7);
  });

  test('answers 503 when the very first fetch fails, and recovers once the provider is back after a second', async () => {
    idp.setOutage('error');
    const ks = keySet();
    const start = clock;
    await expectUnavailable(ks.getKeys(headerOf(idp.currentKey)), 1);
    expect(ks.status()).toMatchObject({ state: 'unreachable', keyCount: 0, fetchedAt: undefined });
    idp.setOutage(undefined);
    clock = start + 999;
    await expectUnavailable(ks.getKeys(headerOf(idp.currentKey)), 1); // still waiting
    clock = start + 1_000;
    await expect(ks.getKeys(headerOf(idp.currentKey))).resolves.toHaveLength(1);
    expect(ks.status().state).toBe('fresh');
  });

  test('while no keys are known, retries after 1 s, then 2, 4, 8 and the cooldown, with Retry-After the wait left', async () => {
    idp.setOutage('error');
    const ks = keySet();
    const fetches = () => idp.requests.discovery;
    for (const wait of [1_000, 2_000, 4_000, 8_000, KEYS.cooldown, KEYS.cooldown]) {
      const before = fetches();
      await expectUnavailable(ks.getKeys(headerOf(idp.currentKey)), wait / 1000); // a fetch, failed
      expect(fetches()).toBe(before + 1);
      clock += wait / 2;
      await expectUnavailable(ks.getKeys(headerOf(idp.currentKey)), Math.max(1, wait / 2000)); // within the wait
      clock += wait / 2 - 1;
      await expectUnavailable(ks.getKeys(unknownKid()), 1);
      expect(fetches()).toBe(before + 1);
      clock += 1;
    }
  });

  test('a failed warm-up counts as a failed first fetch: the next request waits a second, then fetches', async () => {
    idp.setOutage('error');
    const ks = keySet();
    await refusal(ks.refresh());
    idp.setOutage(undefined);
    await expectUnavailable(ks.getKeys(headerOf(idp.currentKey)), 1);
    clock += 1_000;
    await expect(ks.getKeys(headerOf(idp.currentKey))).resolves.toHaveLength(1);
  });

  test('finds a provider that starts listening after the first fetch was refused, a second later', async () => {
    const port = await freePort();
    const key = await createFakeKey('RS256');
    const ks = keySet(
      {},
      { issuer: `http://127.0.0.1:${port}/realms/late`, discoveryUrl: '', jwksUri: `http://127.0.0.1:${port}/certs` },
    );
    const start = clock;
    await expectUnavailable(ks.getKeys(headerOf(key)), 1);
    expect(ks.status().lastError).toBeDefined();
    const late = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] }));
    });
    const listening = await listenOnLoopback(late, port);
    try {
      await expectUnavailable(ks.getKeys(headerOf(key)), 1); // the wait is not over
      clock = start + 1_000;
      await expect(ks.getKeys(headerOf(key))).resolves.toHaveLength(1);
      expect(ks.status()).toMatchObject({ state: 'fresh', lastError: undefined });
    } finally {
      await listening.close();
    }
  });

  test('once keys are known, a failed refetch for an unknown kid waits the whole cooldown', async () => {
    const { ks, discovery } = await warm();
    idp.setOutage('error');
    await expectUnavailable(ks.getKeys(unknownKid()), 10);
    clock += 1_000;
    await expectUnavailable(ks.getKeys(unknownKid()), 9);
    expect(discovery()).toBe(1);
  });

  test('answers 503 within the configured timeout when the provider hangs', async () => {
    idp.setOutage('hang');
    const ks = keySet({ timeout: 200 });
    await expectUnavailable(ks.getKeys(headerOf(idp.currentKey)), 1);
    expect(ks.status().lastError).toBe(`${idp.issuer}/.well-known/openid-configuration timed out after 200 ms`);
  });

  test('refuses a JWKS larger than maxResponseBytes', async () => {
    const padding = 'x'.repeat(4096);
    idp.setJwksBody(JSON.stringify({ keys: [idp.currentKey.jwk], padding }));
    const ks = keySet({ maxResponseBytes: 2048 });
    await expectUnavailable(ks.getKeys(headerOf(idp.currentKey)), 1);
    expect(ks.status().lastError).toBe(`response from ${idp.jwksUri} is larger than 2048 bytes`);
  });

  test.each([
    ['not JSON', '<html>', 'did not answer JSON'],
    ['without a keys array', '{"keys":{}}', 'the JWKS has no "keys" array'],
  ])('answers 503 for a JWKS that is %s', async (_what, body, reason) => {
    idp.setJwksBody(body);
    const ks = keySet();
    await expectUnavailable(ks.getKeys(headerOf(idp.currentKey)), 1);
    expect(ks.status().lastError).toContain(reason);
  });

  test('ignores private and symmetric (oct) keys of a JWKS', async () => {
    const leaked = await createFakeKey('RS256', 'leaked-private');
    const privateJwk = { ...(await exportJWK(leaked.privateKey)), kid: leaked.kid, alg: 'RS256', use: 'sig' };
    const oct = {
      kty: 'oct',
      k: Buffer.from('a shared secret of 32 bytes!!!!!').toString('base64url'),
      kid: 'sym',
      alg: 'HS256',
    };
    idp.setJwksBody(JSON.stringify({ keys: [privateJwk, oct, idp.currentKey.jwk] }));
    const ks = keySet();
    await expect(ks.getKeys(headerOf(idp.currentKey))).resolves.toHaveLength(1);
    expect(ks.status().keyCount).toBe(1);
    await expectNoMatch(ks.getKeys(headerOf(leaked)));
    expect(await refusal(ks.getKeys({ alg: 'HS256', kid: 'sym' }))).toMatchObject({ code: 'invalid_token' });
  });

  test('skips unsafe keys when loading them, says why in the key state, and calls their kid unusable', async () => {
    const evenExponent = { ...(await createFakeKey('RS256', 'even-e')).jwk, e: 'AQAA' };
    const secp256k1 = { ...generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' }) };
    const published = [
      EXPONENT_ONE_JWK,
      evenExponent,
      ROCA_JWK,
      RSA_1024_JWK,
      OFF_CURVE_JWK,
      { ...secp256k1, kid: 'k1', alg: 'ES256K' },
      idp.currentKey.jwk,
    ];
    idp.setJwksBody(JSON.stringify({ keys: published }));
    const ks = keySet();
    await expect(ks.getKeys(headerOf(idp.currentKey))).resolves.toHaveLength(1);
    const exponent = 'its public exponent is not an odd number from 3 to 2^256';
    expect(ks.status()).toMatchObject({
      keyCount: 1,
      skippedKeys: [
        { kid: 'RS256_2048', reason: exponent },
        { kid: 'even-e', reason: exponent },
        {
          kid: 'kid-rsa-roca-sign',
          reason: 'its modulus has the ROCA fingerprint of a weak Infineon key (CVE-2017-15361)',
        },
        { kid: 'RS256_1024', reason: 'its modulus is shorter than 2048 bits' },
        { kid: 'kid-ec-sign', reason: 'it is not a valid point on its curve' },
        { kid: 'k1', reason: 'its curve is not one of P-256, P-384, P-521' },
      ],
    });
    for (const kid of ['RS256_2048', 'even-e', 'kid-rsa-roca-sign', 'RS256_1024']) {
      const error = await refusal(ks.getKeys({ alg: 'RS256', kid }));
      expect(error).toMatchObject({ code: 'invalid_token', message: "the issuer's key for this token is unusable" });
    }
    await expectNoMatch(ks.getKeys(unknownKid()));
    expect(JSON.stringify(ks.status())).not.toContain(ROCA_JWK.n!.slice(0, 16));
  });

  test('offers every key of a repeated kid, so that the right one verifies', async () => {
    const [first, second] = await Promise.all([createFakeKey('RS256', 'dup'), createFakeKey('RS256', 'dup')]);
    idp.setJwksBody(JSON.stringify({ keys: [first.jwk, second.jwk] }));
    const ks = keySet();
    const keys: ResolvedKey[] = await ks.getKeys({ alg: 'RS256', kid: 'dup' });
    expect(keys).toHaveLength(2);
    const token = await signWithKey(second, claimsFor(idp.issuer, 1));
    const outcomes = await Promise.allSettled(keys.map((key) => compactVerify(token, key)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
  });

  test('never uses an encryption key (use "enc") for signatures', async () => {
    const encLike = await createFakeKey('RS256', 'enc-key');
    const { keys } = (await (await fetch(idp.jwksUri)).json()) as { keys: Array<{ kid: string; use: string }> };
    const realEnc = keys.find((k) => k.use === 'enc')!;
    idp.setJwksBody(JSON.stringify({ keys: [{ ...encLike.jwk, use: 'enc' }, realEnc, idp.currentKey.jwk] }));
    const ks = keySet();
    await expectNoMatch(ks.getKeys(headerOf(encLike)));
    await expectNoMatch(ks.getKeys({ alg: 'RS256', kid: realEnc.kid }));
  });

  test('refuses a key whose alg does not fit the token header', async () => {
    const ks = keySet();
    await expectNoMatch(ks.getKeys({ alg: 'PS256', kid: idp.currentKey.kid }));
    await expectNoMatch(ks.getKeys({ alg: 'ES256', kid: idp.currentKey.kid }));
  });

  test('stops accepting a key the provider no longer publishes once the keys are refreshed', async () => {
    const retired = await idp.rotate();
    const { ks } = await warm();
    await ks.getKeys(headerOf(retired));
    await idp.rotate(); // the current key stays published for the other tests
    idp.unpublish(retired.kid);
    clock += KEYS.maxAge;
    await ks.refresh();
    await expectNoMatch(ks.getKeys(headerOf(retired)));
  });

  test("falls back to Keycloak's certs endpoint when discovery answers 404", async () => {
    const before = { ...bare.requests };
    const ks = keySet({}, issuerOf(bare));
    await expect(ks.getKeys(headerOf(bare.currentKey))).resolves.toHaveLength(1);
    expect(bare.requests).toEqual({ discovery: before.discovery + 1, jwks: before.jwks + 1 });
  });

  test('refuses a discovery document naming another issuer and never fetches its keys', async () => {
    const before = idp.requests.jwks;
    const ks = keySet({}, issuerOf(idp, { issuer: idp.issuer.replace('/realms/myorg', '/realms/other') }));
    await expectUnavailable(ks.getKeys(headerOf(idp.currentKey)), 1);
    expect(ks.status()).toMatchObject({
      state: 'unreachable',
      lastError: 'the discovery document names another issuer; refusing it',
    });
    expect(idp.requests.jwks).toBe(before);
  });

  test('uses an explicit jwksUri without discovery', async () => {
    const before = { ...idp.requests };
    const ks = keySet({}, issuerOf(idp, { jwksUri: idp.jwksUri }));
    await ks.getKeys(headerOf(idp.currentKey));
    expect(idp.requests).toEqual({ discovery: before.discovery, jwks: before.jwks + 1 });
  });

  describe('status', () => {
    test('is empty before any fetch, fresh after one, stale once older than maxAge', async () => {
      const ks = keySet();
      expect(ks.status()).toEqual({
        issuer: idp.issuer,
        state: 'empty',
        keyCount: 0,
        fetchedAt: undefined,
        lastError: undefined,
        skippedKeys: [],
      });
      await ks.refresh();
      const fetchedAt = clock;
      expect(ks.status()).toMatchObject({ state: 'fresh', fetchedAt, lastError: undefined });
      expect(ks.status().keyCount).toBeGreaterThan(0);
      clock = fetchedAt + KEYS.maxAge - 1;
      expect(ks.status().state).toBe('fresh');
      clock = fetchedAt + KEYS.maxAge;
      expect(ks.status().state).toBe('stale');
    });

    test('is stale when the last refresh failed, and unreachable when no keys were ever fetched', async () => {
      const ks = keySet();
      await ks.refresh();
      idp.setOutage('error');
      const error = await refusal(ks.refresh());
      expect(error).toBeInstanceOf(FetchFailedError);
      expect(ks.status()).toMatchObject({
        state: 'stale',
        lastError: `${idp.issuer}/.well-known/openid-configuration answered HTTP 500`,
      });
      const cold = keySet();
      await refusal(cold.refresh());
      expect(cold.status().state).toBe('unreachable');
    });
  });
});
