/**
 * Junk opaque tokens against a guard that accepts opaque tokens (introspection `acceptOpaqueTokens`), with a
 * real introspection endpoint on 127.0.0.1 counting every request: a flood costs the provider a bounded number
 * of requests, leaves no answer behind and evicts none of the tokens in use; a failing provider is not asked
 * again for junk during the cooldown; and a logout revokes that one opaque token, not its neighbours.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import express from 'express';
import { createAuth, type Auth, type IntrospectionOptions } from '../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { bearer, expectUnavailable, send, serve, type Served } from '../helpers/http.js';
import { startIntrospectionServer, type IntrospectionServer } from '../helpers/introspection-server.js';

const CLIENT = 'test_api_resource_server';
const SECRET = 'resource server secret';
let idp: FakeProvider;
let server: IntrospectionServer;
const servers: Served[] = [];

beforeAll(async () => {
  idp = await startFakeProvider();
  server = await startIntrospectionServer({ issuer: idp.issuer, clientId: CLIENT, secret: SECRET });
});
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), idp.close(), server.close()]);
});
beforeEach(() => {
  server.requests.length = 0;
  server.fault = undefined;
});

/** A guard accepting opaque tokens on every route, on a clock the test can move, and its URL. */
async function guard(introspection: Partial<IntrospectionOptions> = {}) {
  const clock = { now: Date.now() };
  const auth = createAuth({
    issuer: { issuer: idp.issuer, discoveryUrl: server.discoveryUrl, jwksUri: idp.jwksUri },
    audience: 'test-api',
    realm: 'myorg',
    now: () => clock.now,
    introspection: { clientId: CLIENT, clientSecret: SECRET, acceptOpaqueTokens: true, ...introspection },
  });
  const app = express();
  app.get('/api', auth.requireAuth(), (_req, res) => void res.json({ ok: true }));
  const served = await serve(app);
  servers.push(served);
  return { auth, clock, url: `${served.url}/api` };
}

/** Registers an opaque token the provider vouches for. */
function registerOpaque(token: string): string {
  server.register(token, { iss: idp.issuer, aud: 'test-api', sub: token, exp: Math.floor(Date.now() / 1000) + 600 });
  return token;
}

/** What `verify` came to: `'passed'`, or the HTTP status of the refusal. */
function outcome(auth: Auth, token: string): Promise<'passed' | number> {
  return auth.verify(token, { introspect: true }).then(
    () => 'passed' as const,
    (error: unknown) => (error as { status: number }).status,
  );
}

let realTokens = 0;

/** Real tokens in use (one opaque, one JWT), each confirmed once: the provider has been asked twice. */
async function tokensInUse(auth: Auth): Promise<string[]> {
  const tokens = [registerOpaque(`real-opaque-${++realTokens}`), await idp.mint()];
  for (const token of tokens) expect(await outcome(auth, token)).toBe('passed');
  expect(server.requests).toHaveLength(2);
  return tokens;
}

describe('a flood of junk opaque tokens', () => {
  test('of 10,000 at once costs at most maxConcurrent (16) requests, the rest answer 503 at once', async () => {
    const { auth, url } = await guard();
    const inUse = await tokensInUse(auth);
    const release = server.hold();
    const flood = Array.from({ length: 10_000 }, (_, i) => outcome(auth, `junk-${i}`));
    await server.arrived(2 + 16);
    expectUnavailable(await send(url, { headers: bearer('one-more-junk-token') }), 1);
    release();
    const outcomes = await Promise.all(flood);
    expect(server.requests).toHaveLength(2 + 16);
    expect({
      refusedUnavailable: outcomes.filter((o) => o === 503).length,
      refusedInactive: outcomes.filter((o) => o === 401).length,
      passed: outcomes.filter((o) => o === 'passed').length,
    }).toEqual({ refusedUnavailable: 9_984, refusedInactive: 16, passed: 0 });
    for (const token of inUse) expect(await outcome(auth, token)).toBe('passed');
    expect(server.requests).toHaveLength(2 + 16); // the real tokens' answers came from the cache
  });

  test('of tokens each sent twice evicts no answer of a token in use, whatever maxEntries', async () => {
    const { auth } = await guard({ maxEntries: 100 });
    const inUse = await tokensInUse(auth);
    const junk = Array.from({ length: 200 }, (_, i) => `junk-twice-${i}`);
    for (let i = 0; i < junk.length; i += 16) {
      const batch = junk.slice(i, i + 16);
      for (let sighting = 0; sighting < 2; sighting++) {
        expect(await Promise.all(batch.map((t) => outcome(auth, t)))).toEqual(batch.map(() => 401));
      }
    }
    expect(server.requests).toHaveLength(2 + 400);
    for (const token of inUse) expect(await outcome(auth, token)).toBe('passed');
    expect(server.requests).toHaveLength(2 + 400);
  });

  test('leaves no answer of a one-off token behind: an inactive answer is kept from its second sighting on', async () => {
    const { auth } = await guard();
    for (let i = 1; i <= 3; i++) {
      expect(await outcome(auth, 'replayed-junk')).toBe(401);
      expect(server.requests).toHaveLength(Math.min(i, 2));
    }
  });
});

describe('after the provider failed', () => {
  test('junk opaque tokens answer 503 without a request for the cooldown; a JWT still asks', async () => {
    const { auth, clock, url } = await guard({ cooldown: 3_000 });
    server.fault = 'error';
    expect(await outcome(auth, 'junk-during-outage')).toBe(503);
    server.fault = undefined;
    for (let i = 0; i < 50; i++) expectUnavailable(await send(url, { headers: bearer(`junk-${i}`) }), 3);
    expect(server.requests).toHaveLength(1);
    expect(await outcome(auth, await idp.mint())).toBe('passed');
    expect(server.requests).toHaveLength(2);
    clock.now += 3_000;
    expect(await outcome(auth, 'junk-after-cooldown')).toBe(401);
    expect(server.requests).toHaveLength(3);
  });
});

describe('revoking an opaque token', () => {
  test.each([
    ['sharing the part before a dot', 'session.alice-7f3a', 'session.bob-91c2'],
    ['differing only in the last character', 'opaqueTokenA', 'opaqueTokenB'],
  ])('leaves another token %s valid', async (_case, revoked, other) => {
    const { auth } = await guard();
    registerOpaque(revoked);
    registerOpaque(other);
    await auth.revoke(await auth.verify(revoked, { introspect: true }));
    await expect(auth.verify(revoked, { introspect: true })).rejects.toMatchObject({
      message: 'token has been revoked',
    });
    expect(await outcome(auth, other)).toBe('passed');
  });
});
