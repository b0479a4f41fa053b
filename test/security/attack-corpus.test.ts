/**
 * The attack corpus (./attacks.ts) over real HTTP against the demo app (`createDemoApp` on 127.0.0.1:0, keys
 * from a fake provider), then the cases a table cannot say in one line: duplicate JSON members, prototype
 * pollution, respelled signatures of a revoked token, oversized requests. Every refusal is asserted whole:
 * status, the exact `WWW-Authenticate`, the JSON body, and that nothing of the token came back.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:http';
import type { JWK } from 'jose';
import { createDemoApp } from '../../src/demo/app.js';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { demoSettings, expectChallenge, startDemo } from '../helpers/demo.js';
import { listenOnLoopback } from '../helpers/free-port.js';
import { bearer, parseRaw, rawStatus, send, sendRaw, type HttpResponse, type Served } from '../helpers/http.js';
import { claimsFor, nowSeconds } from '../helpers/tokens.js';
import { createAttackerKeys, startAttackerServer, type AttackerServer } from './attacker.js';
import { ATTACKS, type Attack, type AttackContext } from './attacks.js';
import { negateEcdsaS, partsOf, respellSignature, signJson, signText } from './forge.js';

let idp: FakeProvider;
let otherRealm: FakeProvider;
let attacker: AttackerServer;
let demo: Served;
let ctx: AttackContext;

beforeAll(async () => {
  idp = await startFakeProvider();
  const es = await idp.rotate('ES256');
  const rsa = await idp.rotate('RS256'); // the JWKS: two RS256 keys, one ES256 key, one encryption key
  otherRealm = await startFakeProvider({ realm: 'other' });
  const keys = createAttackerKeys();
  attacker = await startAttackerServer(keys);
  demo = await startDemo(idp);
  const jwks = (await (await fetch(idp.jwksUri)).json()) as { keys: JWK[] };
  ctx = {
    idp,
    rsa,
    es,
    rsaJwk: jwks.keys.find((k) => k.kid === rsa.kid)!,
    encKid: jwks.keys.find((k) => k.use === 'enc')!.kid!,
    otherRealm,
    attacker: keys,
    attackerUrl: attacker.url,
  };
  expect((await get('/api/private', await idp.mint())).status).toBe(200); // keys fetched: the corpus meets a warm guard
});
afterAll(async () => {
  await Promise.all([demo.close(), idp.close(), otherRealm.close(), attacker.close()]);
});

/** Sends `Authorization: Bearer <token>`; a token outside Latin-1 goes over a raw socket, as an attacker would send it. */
async function get(route: string, token: string, method = 'GET'): Promise<HttpResponse> {
  if (!/[^\x20-\x7e]/.test(token)) return send(`${demo.url}${route}`, { method, headers: bearer(token) });
  return parseRaw(
    await sendRaw(
      demo.port,
      `${method} ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
    ),
  );
}

/** Nothing of the token (its header or payload text) comes back in the answer. */
function expectNoLeak(response: HttpResponse, token: string): void {
  for (const part of partsOf(token).slice(0, 2)) if (part.length >= 16) expect(response.text).not.toContain(part);
}

function title(a: Attack): string {
  return `${a.what} → ${a.expected.status} ${a.expected.error}, because ${a.why}${a.ref ? ` [${a.ref}]` : ''}`;
}

describe('attack corpus: every forged or malformed token is refused over HTTP', () => {
  test.each(ATTACKS.map((a) => [title(a), a] as const))('%s', async (_title, attack) => {
    const fetchedBefore = attacker.received.length;
    const token = await attack.forge(ctx);
    const response = await get(attack.route, token);
    const { status, error, description, scope } = attack.expected;
    expectChallenge(response, status, error, description.replaceAll('<issuer>', ctx.idp.issuer), scope);
    expectNoLeak(response, token);
    expect(attacker.received.length).toBe(fetchedBefore);
  });

  test("no URL named in any token (jku, x5u, kid) was ever fetched: the attacker's server received no request", () => {
    expect(ATTACKS.filter((a) => /jku|x5u/.test(a.what)).length).toBeGreaterThanOrEqual(4);
    expect(attacker.received).toEqual([]);
  });
});

/**
 * Duplicate member names. RFC 7515 §4 lets a JWS parser "either reject JWSs with duplicate Header Parameter
 * names or use a JSON parser that returns only the lexically last duplicate member name". The guard does the
 * latter (JSON.parse) and parses each part once: the one parsed value is what alg/kid select the key by, what
 * every claim check reads, and what `req.auth` carries. So a token with a duplicate must get exactly the
 * answer of the same token with only the last value, on every route.
 */
describe('duplicate JSON members: the last one wins, and that one value is used for every check and for req.auth', () => {
  /** `{"name": first, ...rest}` where rest holds `name` again later, as text. */
  const withDuplicate = (object: Record<string, unknown>, name: string, first: unknown): string =>
    `{${JSON.stringify(name)}:${JSON.stringify(first)},${JSON.stringify(object).slice(1)}`;
  const headerOf = (overrides: Record<string, unknown> = {}) => ({
    alg: 'RS256',
    typ: 'JWT',
    kid: ctx.rsa.kid,
    ...overrides,
  });
  const claimsOf = (overrides: Record<string, unknown> = {}) =>
    claimsFor(idp.issuer, nowSeconds(), { sub: 'the-subject', ...overrides });

  type Part = 'header' | 'payload';
  type Dup = [part: Part, name: string, first: unknown, last: unknown, route: string, status: number];
  const DUPLICATES: Dup[] = [
    ['header', 'alg', 'none', 'RS256', '/api/me', 200],
    ['header', 'alg', 'RS256', 'none', '/api/me', 401],
    ['header', 'kid', 'unknown-kid', '<current kid>', '/api/me', 200],
    ['header', 'kid', '<current kid>', 'unknown-kid', '/api/me', 401],
    ['header', 'typ', 'JWT', 'secevent+jwt', '/api/me', 401],
    ['payload', 'sub', 'admin', 'the-subject', '/api/me', 200],
    ['payload', 'iss', '<our issuer>', 'http://127.0.0.1:1/realms/evil', '/api/me', 401],
    ['payload', 'iss', 'http://127.0.0.1:1/realms/evil', '<our issuer>', '/api/me', 200],
    ['payload', 'aud', 'test-api', 'account', '/api/me', 401],
    ['payload', 'aud', 'account', 'test-api', '/api/me', 200],
    ['payload', 'exp', 4_102_444_800, 1_000, '/api/me', 401],
    ['payload', 'exp', 1_000, '<in five minutes>', '/api/me', 200],
    ['payload', 'typ', 'Bearer', 'ID', '/api/me', 401],
    ['payload', 'typ', 'ID', 'Bearer', '/api/me', 200],
    ['payload', 'scope', 'test_api_access', 'profile', '/api/private-scoped', 403],
    ['payload', 'scope', 'profile', 'test_api_access', '/api/me', 200],
    ['payload', 'realm_access', { roles: ['admin'] }, { roles: ['user'] }, '/api/admin', 403],
    ['payload', 'realm_access', { roles: ['user'] }, { roles: ['admin'] }, '/api/me', 200],
    ['payload', 'azp', 'evil-client', 'test_api_client', '/api/me', 200],
  ];
  const resolve = (value: unknown): unknown =>
    value === '<current kid>'
      ? ctx.rsa.kid
      : value === '<our issuer>'
        ? idp.issuer
        : value === '<in five minutes>'
          ? nowSeconds() + 300
          : value;

  test.each(DUPLICATES)(
    '%s "%s": %j then %j answers %s on %s exactly as a token with only the last value',
    async (part, name, first, last, route, status) => {
      const header = headerOf(part === 'header' ? { [name]: resolve(last) } : {});
      const payload = claimsOf(part === 'payload' ? { [name]: resolve(last) } : {});
      const duplicated = signText(
        ctx.rsa,
        part === 'header' ? withDuplicate(header, name, resolve(first)) : JSON.stringify(header),
        part === 'payload' ? withDuplicate(payload, name, resolve(first)) : JSON.stringify(payload),
      );
      const single = signText(ctx.rsa, JSON.stringify(header), JSON.stringify(payload));
      const withDup = await get(route, duplicated);
      const withLast = await get(route, single);
      expect(withDup.status).toBe(status);
      expect({ status: withDup.status, challenge: withDup.headers['www-authenticate'], body: withDup.body }).toEqual({
        status: withLast.status,
        challenge: withLast.headers['www-authenticate'],
        body: withLast.body,
      });
    },
  );

  test('req.auth carries the last value of every duplicate: /api/me shows the last sub, azp, scope and roles', async () => {
    const payload = claimsOf({
      sub: 'last-sub',
      azp: 'last-client',
      scope: 'last_scope',
      realm_access: { roles: ['last-role'] },
    });
    const text = `{"sub":"first-sub","azp":"first-client","scope":"first_scope","realm_access":{"roles":["first-role"]},${JSON.stringify(payload).slice(1)}`;
    const response = await get('/api/me', signText(ctx.rsa, JSON.stringify(headerOf()), text));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      message: 'who you are',
      sub: 'last-sub',
      client_id: 'last-client',
      scopes: ['last_scope'],
      roles: ['last-role'],
    });
  });
});

/** What a polluted prototype would show: the own names of the built-in prototypes. */
function prototypeSnapshot(): Record<string, string[]> {
  const names = (o: object) => Reflect.ownKeys(o).map(String).sort();
  return {
    object: names(Object.prototype),
    array: names(Array.prototype),
    function: names(Function.prototype),
    string: names(String.prototype),
  };
}

describe('__proto__ and constructor claims: nothing is polluted, nothing is inherited, nothing else changes', () => {
  const POLLUTERS = ['admin', 'polluted', 'scope', 'realm_access', 'roles', 'typ', 'isAdmin'];
  /** Provider-signed: scope and realm_access exist only under __proto__, so inheriting them would grant them. */
  const pollutingPayload = () => {
    const base = claimsFor(idp.issuer, nowSeconds(), {
      sub: 'proto-subject',
      scope: undefined,
      realm_access: undefined,
    });
    return (
      `{"__proto__":{"scope":"test_api_access","realm_access":{"roles":["admin"]},"admin":true,"polluted":"yes"},` +
      `"constructor":{"prototype":{"isAdmin":true,"polluted":"yes"},"name":"Object"},` +
      `"resource_access":{"__proto__":{"roles":["admin"]},"constructor":{"roles":["admin"]},"test_api_client":{"roles":["reader"]}},` +
      `${JSON.stringify(base).slice(1)}`
    );
  };
  const header = () => JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: ctx.rsa.kid });
  let before: Record<string, string[]>;
  let plainMe: unknown;

  beforeAll(async () => {
    before = prototypeSnapshot();
    plainMe = (
      await get(
        '/api/me',
        signJson(
          ctx.rsa,
          JSON.parse(header()) as Record<string, unknown>,
          claimsFor(idp.issuer, nowSeconds(), { sub: 'plain' }),
        ),
      )
    ).body;
  });

  test('a signed token whose scope exists only under __proto__ lacks the scope: 403 on /api/private-scoped', async () => {
    expectChallenge(
      await get('/api/private-scoped', signText(ctx.rsa, header(), pollutingPayload())),
      403,
      'insufficient_scope',
      'token lacks a required scope (needs all of: test_api_access)',
      'test_api_access',
    );
  });

  test('a signed token whose admin role exists only under __proto__ lacks the role: 403 on /api/admin', async () => {
    expectChallenge(
      await get('/api/admin', signText(ctx.rsa, header(), pollutingPayload())),
      403,
      'insufficient_scope',
      'token lacks the realm role "admin"',
    );
  });

  test('req.auth of that token holds no inherited scope or role: /api/me shows none', async () => {
    const response = await get('/api/me', signText(ctx.rsa, header(), pollutingPayload()));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      message: 'who you are',
      sub: 'proto-subject',
      client_id: 'test_api_client',
      scopes: [],
      roles: [],
    });
  });

  test('a header whose alg and kid exist only under __proto__ has no alg: 401', async () => {
    const token = signText(
      ctx.rsa,
      `{"__proto__":{"alg":"RS256","kid":"${ctx.rsa.kid}"}}`,
      JSON.stringify(claimsFor(idp.issuer, nowSeconds())),
    );
    expectChallenge(
      await get('/api/private', token),
      401,
      'invalid_token',
      'token "alg" is not allowed; only asymmetric signatures are accepted',
    );
  });

  test('a header whose crit exists only under __proto__ has no crit: the member is ignored like any unknown one (200)', async () => {
    const token = signText(
      ctx.rsa,
      `{"__proto__":{"crit":["urn:x"]},${header().slice(1)}`,
      JSON.stringify(claimsFor(idp.issuer, nowSeconds())),
    );
    expect((await get('/api/private', token)).status).toBe(200);
  });

  test('the same polluting payload, forged, is refused before anything reads it: 401 signature invalid', async () => {
    const token = signText(ctx.attacker.rsa, header(), pollutingPayload());
    expectChallenge(await get('/api/admin', token), 401, 'invalid_token', 'token signature is invalid');
  });

  test('afterwards Object, Array, Function and String prototypes are unchanged and a plain object inherits nothing', () => {
    expect(prototypeSnapshot()).toEqual(before);
    const plain: Record<string, unknown> = {};
    for (const name of POLLUTERS) expect(plain[name]).toBeUndefined();
  });

  test('afterwards a plain token gets the same /api/me answer as before, and still no admin', async () => {
    const again = await get(
      '/api/me',
      signJson(
        ctx.rsa,
        JSON.parse(header()) as Record<string, unknown>,
        claimsFor(idp.issuer, nowSeconds(), { sub: 'plain' }),
      ),
    );
    expect(again.body).toEqual(plainMe);
    expectChallenge(
      await get('/api/admin', await idp.mint()),
      403,
      'insufficient_scope',
      'token lacks the realm role "admin"',
    );
  });
});

/**
 * A token without `jti` is revoked by a digest. A signature can be written more than one way without the
 * key: base64url's spare bits (Node's decoder ignores them) and ECDSA's (r, n − s). Regression for the bug
 * "a revoked token without jti came back under another spelling of its signature".
 */
describe('revocation survives a respelled signature (a token without jti)', () => {
  async function revoke(token: string): Promise<void> {
    expect((await get('/api/logout', token, 'POST')).status).toBe(200);
    expectChallenge(await get('/api/private', token), 401, 'invalid_token', 'token has been revoked');
  }

  test('RS256: the same signature bytes with other base64url spare bits are refused outright, revoked or not', async () => {
    const token = await idp.mint({ jti: undefined });
    const respelled = respellSignature(token);
    expect(respelled).not.toBe(token);
    expectChallenge(
      await get('/api/private', respelled),
      401,
      'invalid_token',
      'token signature is not valid base64url',
    );
    await revoke(token);
    expectChallenge(
      await get('/api/private', respelled),
      401,
      'invalid_token',
      'token signature is not valid base64url',
    );
  });

  test('ES256: the (r, n − s) twin of the signature is still revoked', async () => {
    const token = await idp.mint({ jti: undefined }, { key: ctx.es });
    const twin = negateEcdsaS(token);
    expect((await get('/api/private', twin)).status).toBe(200); // the twin is a valid signature: it proves the attack is real
    await revoke(token);
    expectChallenge(await get('/api/private', twin), 401, 'invalid_token', 'token has been revoked');
    expectChallenge(
      await get('/api/private', respellSignature(token)),
      401,
      'invalid_token',
      'token signature is not valid base64url',
    );
  });
});

describe('oversized requests and tokens', () => {
  test('request headers over 16 KB spread over many headers are refused by Node with 431 before the guard', async () => {
    const token = await idp.mint();
    const padding = Array.from({ length: 300 }, (_, i) => `X-Pad-${i}: ${'a'.repeat(60)}\r\n`).join('');
    const answer = await sendRaw(
      demo.port,
      `GET /api/private HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n${padding}Connection: close\r\n\r\n`,
    );
    expect(rawStatus(answer)).toBe(431);
    expect(answer).not.toContain('private endpoint');
  });

  test('a token over maxTokenLength (16384) is refused unread even where the server allows larger headers', async () => {
    const server = createServer({ maxHeaderSize: 64 * 1024 }, await createDemoApp(demoSettings(idp)));
    const listening = await listenOnLoopback(server);
    try {
      const token = signJson(
        ctx.rsa,
        { alg: 'RS256', typ: 'JWT', kid: ctx.rsa.kid },
        claimsFor(idp.issuer, nowSeconds(), { padding: 'p'.repeat(13_000) }),
      );
      expect(token.length).toBeGreaterThan(16_384);
      const response = await send(`${listening.origin}/api/private`, {
        headers: bearer(token),
      });
      expectChallenge(response, 401, 'invalid_token', 'token is longer than 16384 characters');
    } finally {
      await listening.close();
    }
  });

  test('two Authorization headers, a valid token first and a forged one second, are refused whole (400)', async () => {
    const valid = await idp.mint();
    const forged = signJson(
      ctx.attacker.rsa,
      { alg: 'RS256', kid: ctx.rsa.kid },
      claimsFor(idp.issuer, nowSeconds(), { realm_access: { roles: ['admin'] } }),
    );
    const answer = await sendRaw(
      demo.port,
      `GET /api/admin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${valid}\r\nauthorization: Bearer ${forged}\r\nConnection: close\r\n\r\n`,
    );
    expectChallenge(parseRaw(answer), 400, 'invalid_request', 'more than one "Authorization" header');
  });
});
