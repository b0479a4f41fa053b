import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { clientSecretPost } from '../../../../src/client/index.js';
import { InvalidTokenError, ProviderUnavailableError } from '../../../../src/core/errors.js';
import { createIntrospector, type LocalVerification } from '../../../../src/core/introspection/introspect.js';
import type { IntrospectionOptions } from '../../../../src/core/introspection/options.js';
import { resolveOptions, type AuthOptions } from '../../../../src/core/options.js';
import type { VerifiedToken } from '../../../../src/core/jwt/verified-token.js';
import { createTokenVerifier } from '../../../../src/core/jwt/verify.js';
import { startFakeProvider, type FakeProvider } from '../../../../src/testing/index.js';
import {
  startIntrospectionServer,
  type IntrospectionFault,
  type IntrospectionServer,
} from '../../../helpers/introspection-server.js';

const CLIENT = 'test_api_resource_server';
const SECRET = 'resource server secret';
let idp: FakeProvider;
let other: FakeProvider;
let server: IntrospectionServer;
let metadata: Record<string, unknown>;

beforeAll(async () => {
  [idp, other] = await Promise.all([startFakeProvider(), startFakeProvider({ realm: 'other' })]);
  server = await startIntrospectionServer({ issuer: idp.issuer, clientId: CLIENT, secret: SECRET });
  metadata = { ...server.metadata };
});
afterAll(async () => {
  await Promise.all([idp.close(), other.close(), server.close()]);
});
beforeEach(() => {
  server.requests.length = 0;
  server.counts.discovery = 0;
  server.fault = undefined;
  server.discovery = true;
  for (const key of Object.keys(server.metadata)) delete server.metadata[key];
  Object.assign(server.metadata, metadata);
});

/** An introspector for `idp` (keys from the fake provider, discovery from the introspection server). */
function setup(introspection: Partial<IntrospectionOptions> = {}, options: Partial<AuthOptions> = {}) {
  const resolved = resolveOptions({
    issuer: [{ issuer: idp.issuer, discoveryUrl: server.discoveryUrl, jwksUri: idp.jwksUri }, other.issuer],
    audience: 'test-api',
    ...options,
  });
  const verifier = createTokenVerifier(resolved);
  const accepted: VerifiedToken[] = [];
  const local: LocalVerification = {
    verifyJwt: (token) => verifier.verify(token),
    accept: async (token) => {
      accepted.push(token);
      return token;
    },
  };
  const introspector = createIntrospector(
    { clientId: CLIENT, clientSecret: SECRET, issuer: idp.issuer, ...introspection },
    resolved,
    false,
  );
  return { accepted, verify: (token: string) => introspector.verify(token, local), introspector };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('createIntrospector', () => {
  describe('a JWT', () => {
    test('passes when the provider says it is active, as the locally verified token', async () => {
      const { verify } = setup();
      const token = await idp.mint({ scope: 'test_api_access' });
      const verified = await verify(token);
      expect({ token: verified.token, scopes: verified.scopes, issuer: verified.issuer }).toEqual({
        token,
        scopes: ['test_api_access'],
        issuer: idp.issuer,
      });
      expect(server.requests).toHaveLength(1);
    });

    test('is refused with 401 invalid_token once the provider says it is not active', async () => {
      const { verify } = setup();
      const token = await idp.mint();
      server.revoke(token);
      const error = await failure(verify(token));
      expect(error).toBeInstanceOf(InvalidTokenError);
      expect(error).toMatchObject({
        code: 'invalid_token',
        status: 401,
        message: 'token is not active (introspection)',
      });
    });

    test('is verified locally first: a forged one costs no introspection request', async () => {
      const { verify } = setup();
      const forged = await idp.mint({}, { key: other.currentKey, header: { kid: idp.currentKey.kid } });
      expect(await failure(verify(forged))).toMatchObject({ message: 'token signature is invalid' });
      expect(server.requests).toHaveLength(0);
    });

    test('of another configured issuer is refused: its provider is not the one asked', async () => {
      const { verify } = setup();
      const error = await failure(verify(await other.mint()));
      expect(error).toMatchObject({
        code: 'invalid_token',
        message: 'token "iss" is not the issuer that introspection is configured for',
      });
      expect(server.requests).toHaveLength(0);
    });
    test('is refused as sender-constrained when the active answer carries cnf, though the JWT does not', async () => {
      const { verify } = setup();
      const token = await idp.mint();
      const exp = Math.floor(Date.now() / 1000) + 60;
      server.register(token, {
        iss: idp.issuer,
        aud: 'test-api',
        exp,
        cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o' },
      });
      expect(await failure(verify(token))).toMatchObject({
        code: 'invalid_token',
        message:
          'token is sender-constrained ("cnf") by a method this guard cannot verify (only DPoP "jkt" and mTLS "x5t#S256")',
      });
    });
  });

  describe('the request', () => {
    test('POSTs the token with token_type_hint=access_token, authenticated by client_secret_basic', async () => {
      const { verify } = setup();
      const token = await idp.mint();
      await verify(token);
      const [request] = server.requests;
      expect(request?.contentType).toBe('application/x-www-form-urlencoded');
      expect(request?.authorization).toBe(
        `Basic ${Buffer.from(`${CLIENT}:${encodeURIComponent(SECRET).replace(/%20/g, '+')}`).toString('base64')}`,
      );
      expect(Object.fromEntries(request?.form ?? [])).toEqual({ token, token_type_hint: 'access_token' });
    });

    test('takes a client authentication strategy of bearer-guard/client, such as clientSecretPost', async () => {
      const { verify } = setup({ clientSecret: undefined, clientAuth: clientSecretPost(SECRET) });
      await verify(await idp.mint());
      const [request] = server.requests;
      expect(request?.authorization).toBeUndefined();
      expect({ id: request?.form.get('client_id'), secret: request?.form.get('client_secret') }).toEqual({
        id: CLIENT,
        secret: SECRET,
      });
    });
  });

  describe('the endpoint', () => {
    test('is discovered once (introspection_endpoint) and reused', async () => {
      const { verify } = setup();
      await verify(await idp.mint());
      await verify(await idp.mint());
      expect({ discovery: server.counts.discovery, requests: server.requests.length }).toEqual({
        discovery: 1,
        requests: 2,
      });
    });

    test("is Keycloak's token/introspect path when the provider serves no discovery document", async () => {
      server.discovery = false;
      const { verify } = setup();
      await verify(await idp.mint());
      expect(server.requests).toHaveLength(1);
    });

    test('is taken as given without any discovery', async () => {
      server.discovery = false;
      const { verify } = setup({ endpoint: server.endpoint });
      await verify(await idp.mint());
      expect({ discovery: server.counts.discovery, requests: server.requests.length }).toEqual({
        discovery: 0,
        requests: 1,
      });
    });

    test('from a discovery document naming another issuer is refused with 503, and discovery is retried next time', async () => {
      server.metadata.issuer = other.issuer;
      const { verify } = setup();
      const token = await idp.mint();
      const error = await failure(verify(token));
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect((error.cause as Error).message).toBe('the discovery document names another issuer; refusing it');
      server.metadata.issuer = idp.issuer;
      await expect(verify(token)).resolves.toMatchObject({ token });
      expect(server.counts.discovery).toBe(2);
    });

    test('discovered as plain http:// on another host never receives the credentials (503)', async () => {
      server.metadata.introspection_endpoint = 'http://idp.example/introspect';
      const { verify } = setup();
      const error = await failure(verify(await idp.mint()));
      expect(error).toMatchObject({ code: 'temporarily_unavailable', status: 503 });
      expect((error.cause as Error).message).toBe(
        'the discovery document is refused: "introspection_endpoint" must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set',
      );
    });
  });

  describe('a provider that cannot answer', () => {
    test.each<[IntrospectionFault, string]>([
      ['error', 'answered HTTP 500'],
      ['garbage', 'did not answer JSON'],
      ['no-active', 'answered without a boolean "active"'],
      ['unauthorized', 'answered HTTP 401'],
      ['refuse', 'could not be fetched (UND_ERR_SOCKET)'], // undici's code for a dropped connection
      ['hang', 'timed out after 200 ms'],
    ])('(%s) gives 503 temporarily_unavailable with Retry-After, never a pass', async (fault, cause) => {
      server.fault = fault;
      const { verify } = setup({ timeout: 200 });
      const token = await idp.mint();
      const error = await failure(verify(token));
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(error).toMatchObject({
        code: 'temporarily_unavailable',
        status: 503,
        retryAfter: 5,
        message: 'the identity provider cannot confirm the token (introspection failed)',
      });
      expect((error.cause as Error).message).toBe(`${server.endpoint} ${cause}`);
      expect(`${error.message} ${(error.cause as Error).message}`).not.toContain(token);
    });

    test('does not remember the failure: the next request asks again and passes', async () => {
      const { verify } = setup();
      const token = await idp.mint();
      server.fault = 'error';
      await failure(verify(token));
      server.fault = undefined;
      await expect(verify(token)).resolves.toMatchObject({ token });
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('an opaque token', () => {
    test('is refused without any request when opaque tokens are not accepted', async () => {
      const { verify } = setup();
      server.register('opaque-token-1', { iss: idp.issuer, aud: 'test-api', exp: Math.floor(Date.now() / 1000) + 60 });
      expect(await failure(verify('opaque-token-1'))).toMatchObject({
        code: 'invalid_token',
        message: 'token is not a compact JWS (three base64url parts)',
      });
      expect(server.requests).toHaveLength(0);
    });

    test("is described by the active answer and passed to the caller's last check when accepted", async () => {
      const { verify, accepted } = setup({ acceptOpaqueTokens: true });
      server.register('opaque-token-2', {
        iss: idp.issuer,
        aud: 'test-api',
        exp: Math.floor(Date.now() / 1000) + 60,
        scope: 'test_api_access',
        client_id: 'c1',
        sub: 'u1',
      });
      const token = await verify('opaque-token-2');
      expect(token).toMatchObject({
        token: 'opaque-token-2',
        header: { alg: 'none' },
        scopes: ['test_api_access'],
        clientId: 'c1',
        issuer: idp.issuer,
      });
      expect(token.payload).not.toHaveProperty('active');
      expect(accepted).toEqual([token]);
    });

    test('the provider does not know is refused as not active', async () => {
      const { verify } = setup({ acceptOpaqueTokens: true });
      expect(await failure(verify('unknown-opaque'))).toMatchObject({
        code: 'invalid_token',
        message: 'token is not active (introspection)',
      });
    });

    test('whose answer names another issuer is refused', async () => {
      const { verify } = setup({ acceptOpaqueTokens: true });
      server.register('opaque-token-3', {
        iss: other.issuer,
        aud: 'test-api',
        exp: Math.floor(Date.now() / 1000) + 60,
      });
      expect(await failure(verify('opaque-token-3'))).toMatchObject({
        message: 'introspected token "iss" is not the configured issuer',
      });
    });

    test('beyond maxConcurrent requests in flight answers 503 at once without a request', async () => {
      const { verify } = setup({ acceptOpaqueTokens: true, maxConcurrent: 3 });
      const release = server.hold();
      const held = ['junk-1', 'junk-2', 'junk-3'].map((t) => failure(verify(t)));
      await server.arrived(3);
      const refused = await failure(verify('junk-4'));
      expect(refused).toBeInstanceOf(ProviderUnavailableError);
      expect(refused).toMatchObject({ retryAfter: 1, message: 'too many introspection requests are in flight' });
      release();
      for (const error of await Promise.all(held)) expect(error).toMatchObject({ status: 401 });
      expect(server.requests).toHaveLength(3);
    });

    test('joins the request already in flight for the same token, even at the cap', async () => {
      const { verify } = setup({ acceptOpaqueTokens: true, maxConcurrent: 1 });
      const release = server.hold();
      const lookups = [failure(verify('junk-same')), failure(verify('junk-same'))];
      await server.arrived(1);
      release();
      for (const error of await Promise.all(lookups)) expect(error).toMatchObject({ status: 401 });
      expect(server.requests).toHaveLength(1);
    });

    test('after the provider failed, answers 503 without a request for the cooldown, then asks again', async () => {
      const clock = { now: Date.now() };
      const { verify } = setup({ acceptOpaqueTokens: true, cooldown: 2_000 }, { now: () => clock.now });
      server.fault = 'error';
      expect(await failure(verify('junk-a'))).toMatchObject({ status: 503, retryAfter: 5 });
      server.fault = undefined;
      clock.now += 500;
      expect(await failure(verify('junk-b'))).toMatchObject({
        status: 503,
        retryAfter: 2,
        message: 'the identity provider failed to answer moments ago (introspection cooling down)',
      });
      expect(server.requests).toHaveLength(1);
      clock.now += 1_500;
      expect(await failure(verify('junk-b'))).toMatchObject({ status: 401 });
      expect(server.requests).toHaveLength(2);
    });

    test.each([
      ['a sub that is not a string', { sub: { $ne: null } }, '"sub" claim must be a string'],
      ['a client_id that is not a string', { client_id: ['x'] }, '"client_id" claim must be a string'],
      [
        'a cnf of a method the guard cannot verify',
        { cnf: { kid: 'k1' } },
        'token is sender-constrained ("cnf") by a method this guard cannot verify (only DPoP "jkt" and mTLS "x5t#S256")',
      ],
    ])('whose answer holds %s is refused, as a JWT would be', async (_what, claims, message) => {
      const { verify, accepted } = setup({ acceptOpaqueTokens: true });
      server.register('opaque-token-4', {
        iss: idp.issuer,
        aud: 'test-api',
        exp: Math.floor(Date.now() / 1000) + 60,
        ...claims,
      });
      expect(await failure(verify('opaque-token-4'))).toMatchObject({ code: 'invalid_token', message });
      expect(accepted).toEqual([]);
    });

    test('longer than maxTokenLength is refused without any request', async () => {
      const { verify } = setup({ acceptOpaqueTokens: true }, { maxTokenLength: 100 });
      expect(await failure(verify('x'.repeat(101)))).toMatchObject({ message: 'token is longer than 100 characters' });
      expect(server.requests).toHaveLength(0);
    });
  });
});
