import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { discoverJwksUri } from '../../../../src/core/jwks/discovery.js';
import { FetchFailedError, type FetchLimits } from '../../../../src/core/http/fetch-json.js';
import type { ResolvedIssuer } from '../../../../src/core/options.js';
import { startFakeProvider, type FakeProvider } from '../../../../src/testing/index.js';

const LIMITS: FetchLimits = {
  timeout: 1000,
  maxResponseBytes: 65536,
  fetch: globalThis.fetch,
  allowInsecureHttp: false,
};
let idp: FakeProvider;
let bare: FakeProvider; // publishes no discovery document, as some Keycloak set-ups behind a proxy

beforeAll(async () => {
  [idp, bare] = await Promise.all([startFakeProvider(), startFakeProvider({ discovery: false })]);
});
afterAll(async () => {
  await Promise.all([idp.close(), bare.close()]);
});

function issuer(issuerUrl: string, discoveryUrl = issuerUrl, jwksUri?: string): ResolvedIssuer {
  return { issuer: issuerUrl, discoveryUrl, jwksUri };
}

async function failure(promise: Promise<unknown>): Promise<FetchFailedError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FetchFailedError);
    return error as FetchFailedError;
  }
  throw new Error('expected a failure');
}

function answering(body: unknown): FetchLimits {
  return { ...LIMITS, fetch: (async () => new Response(JSON.stringify(body), { status: 200 })) as typeof fetch };
}

describe('discoverJwksUri', () => {
  test('finds jwks_uri by OIDC discovery of the issuer', async () => {
    const before = { ...idp.requests };
    await expect(discoverJwksUri(issuer(idp.issuer), LIMITS)).resolves.toBe(idp.jwksUri);
    expect(idp.requests.discovery).toBe(before.discovery + 1);
    expect(idp.requests.jwks).toBe(before.jwks);
  });

  test('uses an explicit jwksUri without fetching anything', async () => {
    const before = idp.requests.discovery;
    await expect(discoverJwksUri(issuer(idp.issuer, idp.issuer, 'https://keys.example/jwks'), LIMITS)).resolves.toBe(
      'https://keys.example/jwks',
    );
    expect(idp.requests.discovery).toBe(before);
  });

  test("falls back to Keycloak's /protocol/openid-connect/certs when discovery answers 404", async () => {
    await expect(discoverJwksUri(issuer(bare.issuer), LIMITS)).resolves.toBe(
      `${bare.issuer}/protocol/openid-connect/certs`,
    );
  });

  test('fetches metadata from an internal discovery URL while the issuer stays the public one', async () => {
    const internal = idp.issuer.replace('127.0.0.1', 'localhost');
    await expect(discoverJwksUri(issuer(idp.issuer, internal), LIMITS)).resolves.toBe(idp.jwksUri);
  });

  test('refuses a discovery document that names another issuer', async () => {
    const error = await failure(discoverJwksUri(issuer(`${idp.issuer}/`, idp.issuer), LIMITS));
    expect(error.message).toBe('the discovery document names another issuer; refusing it');
  });

  test('refuses a discovery document naming an issuer of another realm', async () => {
    const other = idp.issuer.replace('/realms/myorg', '/realms/other');
    expect((await failure(discoverJwksUri(issuer(other, idp.issuer), LIMITS))).message).toBe(
      'the discovery document names another issuer; refusing it',
    );
  });

  test('does not fall back when discovery fails otherwise (500)', async () => {
    idp.setOutage('error');
    try {
      const error = await failure(discoverJwksUri(issuer(idp.issuer), LIMITS));
      expect(error.message).toBe(`${idp.issuer}/.well-known/openid-configuration answered HTTP 500`);
    } finally {
      idp.setOutage(undefined);
    }
  });

  const NOT_LOOPBACK =
    'must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set';
  test.each([
    ['no jwks_uri', {}, '"jwks_uri" must be a URL, got nothing'],
    ['a jwks_uri that is not a URL', { jwks_uri: 'keys' }, '"jwks_uri" must be a URL'],
    ['a jwks_uri that is not a string', { jwks_uri: ['https://x/keys'] }, '"jwks_uri" must be a URL, got object'],
    ['a plain http jwks_uri on another host', { jwks_uri: 'http://sso.example/keys' }, `"jwks_uri" ${NOT_LOOPBACK}`],
    ['a jwks_uri on 127.0.0.1.nip.io', { jwks_uri: 'http://127.0.0.1.nip.io/keys' }, `"jwks_uri" ${NOT_LOOPBACK}`],
    [
      'a data: jwks_uri',
      { jwks_uri: 'data:application/json,{"keys":[]}' },
      '"jwks_uri" must be an http(s) URL, not "data:"',
    ],
    [
      'a jwks_uri with a password',
      { jwks_uri: 'https://u:pw@sso.example/keys' },
      '"jwks_uri" must not contain a user name or password',
    ],
  ])('refuses a discovery document with %s', async (_what, extra, reason) => {
    const iss = 'https://sso.example/realms/a';
    const error = await failure(discoverJwksUri(issuer(iss), answering({ issuer: iss, ...extra })));
    expect(error.message).toBe(`the discovery document is refused: ${reason}`);
  });

  test('takes a discovered plain http jwks_uri on another host only with allowInsecureHttp', async () => {
    const iss = 'https://sso.example/realms/a';
    const limits = { ...answering({ issuer: iss, jwks_uri: 'http://sso.internal/keys' }), allowInsecureHttp: true };
    await expect(discoverJwksUri(issuer(iss), limits)).resolves.toBe('http://sso.internal/keys');
  });
});
