/**
 * The URL rule against a provider whose discovery document, keys URL or token endpoint points somewhere it
 * should not, over real HTTP servers on 127.0.0.1. Someone on the network path is played by a `fetch` that hands
 * every request for a host other than 127.0.0.1 to the attacker's server (./attacker.ts), which serves the
 * attacker's keys: a URL the rule lets through shows up there, and no request ever leaves the machine.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { clientSecretBasic, createConfiguration, clientCredentialsGrant, discovery } from '../../src/client/index.js';
import { createAuth, type ExpressAuthOptions } from '../../src/index.js';
import { createFakeKey, type FakeKey } from '../../src/testing/index.js';
import { bearer, expectUnavailable, send, serve, type HttpResponse, type Served } from '../helpers/http.js';
import { startTestProvider, type TestProvider } from '../helpers/token-endpoint-server.js';
import { claimsFor, signWithKey } from '../helpers/tokens.js';
import { createAttackerKeys, startAttackerServer, type AttackerKeys, type AttackerServer } from './attacker.js';
import { startFaultyProvider, type FaultyProvider } from './faulty-provider.js';
import { signJson } from './forge.js';

const NOT_LOOPBACK =
  'must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set';

let keyA: FakeKey;
let provider: FaultyProvider;
let attackerKeys: AttackerKeys;
let attacker: AttackerServer;

beforeAll(async () => {
  keyA = await createFakeKey('RS256', 'key-a');
  attackerKeys = createAttackerKeys();
  [provider, attacker] = await Promise.all([startFaultyProvider([keyA.jwk]), startAttackerServer(attackerKeys)]);
});
afterAll(async () => {
  await Promise.all([provider.close(), attacker.close()]);
});

const served: Served[] = [];
afterEach(async () => {
  await Promise.all(served.splice(0).map((s) => s.close()));
  provider.fault = { kind: 'ok' };
  provider.discovery = {};
  (attacker.received as string[]).length = 0;
});

/** The network as someone on the path sees it: every host but 127.0.0.1 answers from the attacker's server. */
const onThePath: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return fetch(input, init);
  return fetch(`${attacker.url}${url.pathname}${url.search}`, init);
};

/** A guard for the faulty provider that fetches through {@link onThePath}. */
async function startGuard(options: Partial<ExpressAuthOptions> = {}) {
  const auth = createAuth({
    issuer: provider.issuer,
    audience: 'test-api',
    keys: { timeout: 1_000, cooldown: 1_000 },
    fetch: onThePath,
    ...options,
  });
  const app = express();
  app.get('/api/private', auth.requireAuth(), (_req, res) => void res.json({ ok: true }));
  const server = await serve(app);
  served.push(server);
  return {
    auth,
    get: (token: string): Promise<HttpResponse> => send(`${server.url}/api/private`, { headers: bearer(token) }),
  };
}

const now = () => Math.floor(Date.now() / 1000);
const providerToken = () => signWithKey(keyA, claimsFor(provider.issuer, now(), { jti: randomUUID() }));
/** A token the attacker signs with its own key: it passes only where the attacker's keys were trusted. */
const attackerToken = () =>
  signJson(
    { alg: 'RS256', privateKey: attackerKeys.rsa.privateKey },
    { alg: 'RS256', typ: 'JWT', kid: 'attacker-rsa' },
    claimsFor(provider.issuer, now(), { jti: randomUUID() }),
  );

describe('the keys URL a discovery document names', () => {
  test.each([
    ['plain http on another host', 'http://sso.example/certs.json', NOT_LOOPBACK],
    [
      'plain http on 127.0.0.1.nip.io, a name that only looks local',
      'http://127.0.0.1.nip.io/certs.json',
      NOT_LOOPBACK,
    ],
    ['plain http on 127.evil.example', 'http://127.evil.example/certs.json', NOT_LOOPBACK],
    ["a data: URL holding the attacker's keys", 'data:', 'must be an http(s) URL, not "data:"'],
  ])(
    "is refused when it is %s: the attacker's token gets 503, never 200, and nothing is fetched",
    async (_what, uri, why) => {
      const jwksUri =
        uri === 'data:'
          ? `data:application/json,${encodeURIComponent(JSON.stringify({ keys: [attackerKeys.rsa.jwk] }))}`
          : uri;
      provider.discovery = { jwks_uri: jwksUri };
      const guard = await startGuard();
      expectUnavailable(await guard.get(attackerToken()));
      expectUnavailable(await guard.get(await providerToken()));
      expect(attacker.received).toEqual([]);
      expect(guard.auth.status()[0]).toMatchObject({
        state: 'unreachable',
        lastError: `the discovery document is refused: "jwks_uri" ${why}`,
      });
    },
  );

  test('is fetched from another host only with allowInsecureHttp: the risk that option takes', async () => {
    provider.discovery = { jwks_uri: 'http://sso.example/certs.json' };
    const guard = await startGuard({ allowInsecureHttp: true });
    expect((await guard.get(attackerToken())).status).toBe(200); // the risk the option takes
    expect(attacker.received).toEqual(['GET /certs.json']);
  });
});

describe('a keys URL that redirects', () => {
  test('is not followed, even to another loopback URL: the fetch fails (503) and the target is never asked', async () => {
    provider.fault = { kind: 'redirect', location: `${attacker.url}/certs.json` };
    const guard = await startGuard();
    expectUnavailable(await guard.get(attackerToken()));
    expectUnavailable(await guard.get(await providerToken()));
    expect(attacker.received).toEqual([]);
    expect(guard.auth.status()[0]!.lastError).toBe(
      `${provider.issuer}/certs answered a redirect (HTTP 302); redirects are not followed`,
    );
  });
});

describe('the introspection endpoint a discovery document names', () => {
  test('on 127.evil.example never receives the client secret: 503 and no request', async () => {
    provider.discovery = { introspection_endpoint: 'http://127.evil.example/introspect' };
    const guard = await startGuard({ introspection: { clientId: 'test-api', clientSecret: 'resource-server-secret' } });
    expectUnavailable(await guard.get(await providerToken()));
    expect(attacker.received).toEqual([]);
  });
});

describe('issuer URLs at start-up', () => {
  test("a discoveryUrl given as the discovery document's own URL works (200), not 503 forever", async () => {
    const guard = await startGuard({
      issuer: { issuer: provider.issuer, discoveryUrl: `${provider.issuer}/.well-known/openid-configuration` },
    });
    expect((await guard.get(await providerToken())).status).toBe(200);
  });

  test.each([
    [
      'a user name and password',
      (provider) => provider.issuer.replace('http://', 'http://admin:hunter2@'),
      '"issuer" must not contain a user name or password',
    ],
    ['a query', (provider) => `${provider.issuer}?realm=x`, '"issuer" must not contain a query'],
    ['a fragment', (provider) => `${provider.issuer}#x`, '"issuer" must not contain a fragment'],
  ] as Array<[string, (p: FaultyProvider) => string, string]>)(
    'an issuer with %s is refused with a TypeError that never repeats it',
    (_what, issuerOf, message) => {
      expect(() => createAuth({ issuer: issuerOf(provider), audience: 'test-api' })).toThrow(new TypeError(message));
    },
  );
});

describe('the client', () => {
  let idp: TestProvider;
  const settings = { clientId: 'svc', clientAuth: clientSecretBasic('svc-secret') };
  beforeAll(async () => {
    idp = await startTestProvider([{ clientId: 'svc', secret: 'svc-secret', allowedScopes: [] }]);
  });
  afterAll(() => idp.close());

  test('refuses a plain http token endpoint on 127.0.0.1.nip.io, given or discovered, before any request', async () => {
    const nipIo = idp.tokenEndpoint.replace('127.0.0.1', '127.0.0.1.nip.io');
    expect(() => createConfiguration({ ...settings, tokenEndpoint: nipIo })).toThrow(
      new TypeError(`"tokenEndpoint" ${NOT_LOOPBACK}`),
    );
    idp.metadata['token_endpoint'] = nipIo;
    try {
      await expect(discovery({ ...settings, issuer: idp.issuer })).rejects.toMatchObject({
        code: 'ERR_UNEXPECTED_RESPONSE',
        message: `unusable discovery document: "token_endpoint" ${NOT_LOOPBACK}`,
      });
    } finally {
      idp.metadata['token_endpoint'] = idp.tokenEndpoint;
    }
    expect(idp.tokenRequests).toEqual([]);
  });

  test('does not follow a token endpoint that redirects: the credentials never reach the target', async () => {
    idp.override = () => ({ status: 307, headers: { location: `${attacker.url}/token` }, body: '' });
    try {
      const config = createConfiguration({ ...settings, tokenEndpoint: idp.tokenEndpoint });
      await expect(clientCredentialsGrant(config)).rejects.toMatchObject({
        code: 'ERR_UNEXPECTED_RESPONSE',
        status: 307,
      });
    } finally {
      idp.override = undefined;
    }
    expect(attacker.received).toEqual([]);
  });
});
