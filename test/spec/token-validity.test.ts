/**
 * The contract's "A token is invalid when" list (shared/demo-contract.md), one case per line, over real HTTP
 * against the demo app: each answer is 401 invalid_token with the exact challenge and JSON body.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { createFakeKey, startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { DEMO_RESOURCE_METADATA, expectChallenge, startDemo } from '../helpers/demo.js';
import { bearer, parseRaw, rawStatus, send, sendRaw, type Served } from '../helpers/http.js';
import { b64, claimsFor, craft, nowSeconds, sign } from '../helpers/tokens.js';

let idp: FakeProvider;
let demo: Served;

beforeAll(async () => {
  idp = await startFakeProvider();
  demo = await startDemo(idp);
});
afterAll(async () => {
  await Promise.all([demo.close(), idp.close()]);
});

const private_ = (token: string, url = demo.url) => send(`${url}/api/private`, { headers: bearer(token) });
const claims = (overrides: Record<string, unknown> = {}) => claimsFor(idp.issuer, nowSeconds(), overrides);
/** Valid claims, signed with the provider's current key under a header of the test's choosing. */
const signed = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  sign({ alg: 'RS256', typ: 'JWT', kid: idp.currentKey.kid, ...header }, payload, idp.currentKey.privateKey);

const NOT_COMPACT = 'token is not a compact JWS (three base64url parts)';
const ALG = 'token "alg" is not allowed; only asymmetric signatures are accepted';
const ISS = (): string => `token "iss" is not a trusted issuer; expected "${idp.issuer}"`;
const NO_KEY = 'no signing key of the issuer matches the token\'s "kid"';
const HEADER_TYP = 'token is not an access token (header "typ" is not JWT or at+jwt)';

type Line = [what: string, make: () => Promise<string>, description: string | (() => string)];

const LINES: Line[] = [
  // not a compact JWS of three base64url parts
  ['it has base64 padding', async () => `${await idp.mint()}==`, NOT_COMPACT],
  ['it has a stray character', async () => (await idp.mint()).replace('.', '.*'), NOT_COMPACT],
  [
    'it uses base64 "+" instead of base64url',
    async () => {
      const [h, p, s] = (await idp.mint()).split('.');
      return `${h}.${p}.+${s!.slice(1)}`;
    },
    NOT_COMPACT,
  ],
  ['it has two parts', async () => (await idp.mint()).split('.').slice(0, 2).join('.'), NOT_COMPACT],
  [
    'it has the five parts of a JWE',
    async () => `${b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })}.a2V5.aXY.Y2lwaGVydGV4dA.dGFn`,
    NOT_COMPACT,
  ],
  // header or payload not a JSON object
  ['its header is a JSON array', async () => craft(['RS256'], claims()), 'token header is not a JSON object'],
  ['its header is not JSON', async () => `${b64('alg=RS256')}.${b64(claims())}.c2ln`, 'token header is not valid JSON'],
  [
    'its payload is a JSON string',
    async () => craft({ alg: 'RS256', kid: idp.currentKey.kid }, JSON.stringify('sub')),
    'token payload is not a JSON object',
  ],
  [
    'its payload is not JSON',
    async () => `${b64({ alg: 'RS256' })}.${b64('sub=me')}.c2ln`,
    'token payload is not valid JSON',
  ],
  // alg
  ['its alg is none', async () => `${b64({ alg: 'none' })}.${b64(claims())}.AA`, ALG],
  [
    'its alg is HS256',
    async () =>
      sign(
        { alg: 'HS256', kid: idp.currentKey.kid },
        claims(),
        new TextEncoder().encode('a secret that is 32 bytes long!!'),
      ),
    ALG,
  ],
  ['its alg is unknown (RS1)', async () => craft({ alg: 'RS1', kid: idp.currentKey.kid }, claims()), ALG],
  // signature and crit
  [
    'its signature does not verify',
    async () => {
      const [h, p] = (await idp.mint()).split('.');
      const [, , s] = (await idp.mint({ sub: 'x' })).split('.');
      return `${h}.${p}.${s}`;
    },
    'token signature is invalid',
  ],
  [
    'its header has a crit the server does not understand',
    async () =>
      craft(
        { alg: 'RS256', kid: idp.currentKey.kid, crit: ['http://example.com/ext'], 'http://example.com/ext': true },
        claims(),
      ),
    'token header has a "crit" extension this server does not understand',
  ],
  // iss
  [
    'its iss has a trailing slash',
    async () => idp.mint({ iss: `${idp.issuer}/` }),
    () => `${ISS()} (the token's "iss" differs from "${idp.issuer}" only by a trailing slash)`,
  ],
  ['its iss differs in case', async () => idp.mint({ iss: idp.issuer.replace('/realms/myorg', '/realms/MyOrg') }), ISS],
  [
    'its iss is another realm',
    async () => idp.mint({ iss: idp.issuer.replace('/realms/myorg', '/realms/other') }),
    ISS,
  ],
  ['it has no iss', async () => idp.mint({ iss: undefined }), ISS],
  // aud
  [
    'it has no aud',
    async () => idp.mint({ aud: undefined }),
    'token has no "aud" claim; add an Audience mapper for "test-api" to the client',
  ],
  [
    'its aud is another audience',
    async () => idp.mint({ aud: 'account' }),
    'token "aud" does not include "test-api"; add an Audience mapper for it to the client',
  ],
  [
    'its aud array lacks ours',
    async () => idp.mint({ aud: ['account', 'other-api'] }),
    'token "aud" does not include "test-api"; add an Audience mapper for it to the client',
  ],
  // time claims
  ['it has no exp', async () => idp.mint({ exp: undefined }), 'token has no "exp" claim'],
  [
    'its exp is past (by more than the 30 s tolerance)',
    async () => idp.mint({ exp: nowSeconds() - 31 }),
    'token has expired',
  ],
  [
    'its nbf is in the future (by more than 30 s)',
    async () => idp.mint({ nbf: nowSeconds() + 35 }),
    'token is not valid yet ("nbf" is in the future)',
  ],
  [
    'its iat is in the future (by more than 30 s)',
    async () => idp.mint({ iat: nowSeconds() + 35 }),
    'token was issued in the future ("iat")',
  ],
  ['its exp is a string', async () => idp.mint({ exp: String(nowSeconds() + 300) }), '"exp" claim must be a number'],
  ['its nbf is a string', async () => idp.mint({ nbf: String(nowSeconds()) }), '"nbf" claim must be a number'],
  ['its iat is a string', async () => idp.mint({ iat: String(nowSeconds()) }), '"iat" claim must be a number'],
  // not an access token
  [
    'it is a Keycloak ID token (typ ID)',
    async () => idp.mint({ typ: 'ID' }),
    'token is an ID token ("typ" claim is not Bearer); send an access token',
  ],
  [
    'it is a Keycloak refresh token (typ Refresh)',
    async () => idp.mint({ typ: 'Refresh' }),
    'token is a refresh token ("typ" claim is not Bearer); send an access token',
  ],
  [
    'it is a Keycloak logout token (typ Logout)',
    async () => idp.mint({ typ: 'Logout' }),
    'token is not an access token ("typ" claim is not Bearer); send an access token',
  ],
  ['its header typ is dpop+jwt', async () => idp.mint({}, { header: { typ: 'dpop+jwt' } }), HEADER_TYP],
  ['its header typ is logout+jwt', async () => idp.mint({}, { header: { typ: 'logout+jwt' } }), HEADER_TYP],
];

describe('a token is invalid when', () => {
  test.each(LINES)('%s → 401 invalid_token', async (_what, make, description) => {
    const expected = typeof description === 'string' ? description : description();
    expectChallenge(await private_(await make()), 401, 'invalid_token', expected);
  });

  test('its kid names no signing key of the JWKS after one refetch → 401 invalid_token', async () => {
    await private_(await idp.mint()); // keys cached
    const before = idp.requests.jwks;
    const stranger = await createFakeKey('RS256');
    expectChallenge(await private_(await idp.mint({}, { key: stranger })), 401, 'invalid_token', NO_KEY);
    expect(idp.requests.jwks).toBe(before + 1);
  });

  test('its alg does not fit the key the kid names → 401 invalid_token', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    idp.setJwksBody(
      JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256', use: 'sig' }] }),
    );
    const fresh = await startDemo(idp);
    try {
      expect((await private_(await sign({ alg: 'RS256', kid: 'rsa-1' }, claims(), privateKey), fresh.url)).status).toBe(
        200,
      );
      expectChallenge(
        await private_(await sign({ alg: 'PS256', kid: 'rsa-1' }, claims(), privateKey), fresh.url),
        401,
        'invalid_token',
        NO_KEY,
      );
      const ec = await createFakeKey('ES256');
      expectChallenge(
        await private_(await sign({ alg: 'ES256', kid: 'rsa-1' }, claims(), ec.privateKey), fresh.url),
        401,
        'invalid_token',
        NO_KEY,
      );
    } finally {
      idp.setJwksBody(undefined);
      await fresh.close();
    }
  });
});

describe('clock tolerance of 30 s', () => {
  test('accepts a token that expired 28 s ago', async () => {
    expect((await private_(await idp.mint({ exp: nowSeconds() - 28 }))).status).toBe(200);
  });

  test('refuses a token that expired 31 s ago', async () => {
    expectChallenge(
      await private_(await idp.mint({ exp: nowSeconds() - 31 })),
      401,
      'invalid_token',
      'token has expired',
    );
  });

  test('accepts nbf and iat 25 s in the future', async () => {
    const t = nowSeconds() + 25;
    expect((await private_(await idp.mint({ nbf: t, iat: t }))).status).toBe(200);
  });
});

describe('what is still an access token', () => {
  test.each([['JWT'], ['at+jwt'], ['application/at+jwt']])('accepts header typ %s', async (typ) => {
    expect((await private_(await signed(claims(), { typ }))).status).toBe(200);
  });

  test('accepts a token without header typ and without Keycloak typ', async () => {
    expect((await private_(await signed(claims({ typ: undefined }), { typ: undefined }))).status).toBe(200);
  });

  test.each(['PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const)('accepts a token signed with %s', async (alg) => {
    const key = await createFakeKey(alg);
    idp.setJwksBody(JSON.stringify({ keys: [key.jwk] }));
    const fresh = await startDemo(idp);
    try {
      expect((await private_(await idp.mint({}, { key }), fresh.url)).status).toBe(200);
    } finally {
      idp.setJwksBody(undefined);
      await fresh.close();
    }
  });
});

describe('where the token comes from', () => {
  test('a token only in the query is no credentials → 401 unauthorized', async () => {
    expectChallenge(await send(`${demo.url}/api/private?access_token=${await idp.mint()}`), 401, 'unauthorized');
  });

  test('a token in the query and the header → 400 invalid_request', async () => {
    const t = await idp.mint();
    expectChallenge(
      await send(`${demo.url}/api/private?access_token=${t}`, { headers: bearer(t) }),
      400,
      'invalid_request',
      'the token was sent in more than one place',
    );
  });

  test('two Authorization headers (raw socket) → 400 invalid_request', async () => {
    const t = await idp.mint();
    const answer = await sendRaw(
      demo.port,
      `GET /api/private HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t}\r\nAuthorization: Bearer ${t}\r\nConnection: close\r\n\r\n`,
    );
    expect(rawStatus(answer)).toBe(400);
    // Header names are case-insensitive (RFC 9110 §5.1): Express sends `WWW-Authenticate`, Fastify lower case.
    expect(parseRaw(answer).headers['www-authenticate']).toBe(
      `Bearer realm="myorg", error="invalid_request", error_description="more than one 'Authorization' header", resource_metadata="${DEMO_RESOURCE_METADATA}"`,
    );
  });

  test('two Authorization headers (http.request with an array value) → 400 invalid_request', async () => {
    const t = await idp.mint();
    expectChallenge(
      await send(`${demo.url}/api/private`, { headers: { authorization: [`Bearer ${t}`, `Bearer ${t}`] } }),
      400,
      'invalid_request',
      'more than one "Authorization" header',
    );
  });

  test('"Bearer" with no token → 400 invalid_request', async () => {
    expectChallenge(
      await send(`${demo.url}/api/private`, { headers: { authorization: 'Bearer' } }),
      400,
      'invalid_request',
      '"Authorization: Bearer" carries no token',
    );
  });

  test('the Basic scheme is no credentials → 401 unauthorized', async () => {
    expectChallenge(
      await send(`${demo.url}/api/private`, { headers: { authorization: 'Basic dGVzdDp0ZXN0' } }),
      401,
      'unauthorized',
    );
  });

  test.each(['bearer', 'BEARER', 'bEaReR'])('the scheme is case-insensitive (%s) → 200', async (scheme) => {
    expect(
      (await send(`${demo.url}/api/private`, { headers: { authorization: `${scheme} ${await idp.mint()}` } })).status,
    ).toBe(200);
  });

  test('request headers over 16 KB → 431', async () => {
    const t = await idp.mint({ padding: 'p'.repeat(17 * 1024) });
    const answer = await sendRaw(
      demo.port,
      `GET /api/private HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t}\r\nConnection: close\r\n\r\n`,
    );
    expect(rawStatus(answer)).toBe(431);
  });
});
