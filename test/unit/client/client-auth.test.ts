import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { clientSecretBasic, clientSecretPost, privateKeyJwt } from '../../../src/client/client-auth.js';
import { clientCredentialsGrant } from '../../../src/client/token-endpoint.js';
import type { TestProvider } from '../../helpers/token-endpoint-server.js';
import { CLIENT_ID, SECRET, configFor, ecKeys, rsaKeys, startProvider } from './fixtures.js';

describe('client-auth', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());
  beforeEach(() => {
    provider.tokenRequests.length = 0;
  });

  const lastRequest = () => {
    const record = provider.tokenRequests.at(-1);
    if (record === undefined) throw new Error('no token request was received');
    return record;
  };

  describe('clientSecretBasic', () => {
    test('sends the form-encoded client id and secret in HTTP Basic (RFC 6749 §2.3.1)', async () => {
      await clientCredentialsGrant(configFor(provider, clientSecretBasic(SECRET)));
      const expected = 'service+client%3A1:s3cr%3At%2Bwith+%2520+spaces%2F%C3%A9%26%3D%22quotes%22';
      expect(lastRequest().authorization).toBe(`Basic ${Buffer.from(expected).toString('base64')}`);
      expect(lastRequest().authMethod).toBe('client_secret_basic');
    });

    test('puts no credentials in the form body', async () => {
      await clientCredentialsGrant(configFor(provider, clientSecretBasic(SECRET)));
      expect([...lastRequest().form.keys()]).toEqual(['grant_type']);
    });
  });

  describe('clientSecretPost', () => {
    test('sends client_id and client_secret as form parameters and no Authorization header', async () => {
      await clientCredentialsGrant(configFor(provider, clientSecretPost(SECRET)));
      const record = lastRequest();
      expect(record.authMethod).toBe('client_secret_post');
      expect(record.authorization).toBeUndefined();
      expect(record.form.get('client_id')).toBe(CLIENT_ID);
      expect(record.form.get('client_secret')).toBe(SECRET);
    });
  });

  describe('privateKeyJwt', () => {
    test('signs an RS256 assertion with iss = sub = client id, the issuer as sole string audience and a 60 s lifetime (RFC 7523)', async () => {
      const now = 1_700_000_000_000;
      const config = configFor(provider, privateKeyJwt(rsaKeys.privateKey), 'rsa_jwt_client');
      await clientCredentialsGrant(config);
      const record = lastRequest();
      expect(record.authMethod).toBe('private_key_jwt');
      expect(record.form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      expect(decodeProtectedHeader(record.form.get('client_assertion') ?? '')).toEqual({ alg: 'RS256' });
      expect(record.assertion).toMatchObject({ iss: 'rsa_jwt_client', sub: 'rsa_jwt_client', aud: provider.issuer });

      const strategy = privateKeyJwt(rsaKeys.privateKey);
      const body = new URLSearchParams();
      await strategy(
        { clientId: 'c', issuer: 'https://id.example', tokenEndpoint: 'https://id.example/t', now },
        body,
        new Headers(),
      );
      const claims = decodeJwt(body.get('client_assertion') ?? '');
      expect(claims.iat).toBe(now / 1000);
      expect(claims.exp).toBe(now / 1000 + 60);
    });

    test('uses a fresh jti for every assertion, so the provider sees no replay', async () => {
      const config = configFor(provider, privateKeyJwt(rsaKeys.privateKey), 'rsa_jwt_client');
      await clientCredentialsGrant(config);
      await clientCredentialsGrant(config);
      const [first, second] = provider.tokenRequests.map((r) => r.assertion?.jti);
      expect(typeof first).toBe('string');
      expect(first).not.toBe(second);
    });

    test('infers ES256 from a P-256 key and sends the given kid', async () => {
      const config = configFor(provider, privateKeyJwt(ecKeys.privateKey, { kid: 'ec-1' }), 'ec_jwt_client');
      await clientCredentialsGrant(config);
      expect(decodeProtectedHeader(lastRequest().form.get('client_assertion') ?? '')).toEqual({
        alg: 'ES256',
        kid: 'ec-1',
      });
    });

    test('accepts a private JWK and takes its kid and alg', async () => {
      const jwk = { ...rsaKeys.privateKey.export({ format: 'jwk' }), kid: 'jwk-kid', alg: 'PS256' };
      await clientCredentialsGrant(configFor(provider, privateKeyJwt(jwk), 'rsa_jwt_client'));
      expect(decodeProtectedHeader(lastRequest().form.get('client_assertion') ?? '')).toEqual({
        alg: 'PS256',
        kid: 'jwk-kid',
      });
    });

    test('accepts a Web Crypto CryptoKey and infers its algorithm', async () => {
      const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify']);
      const body = new URLSearchParams();
      const context = {
        clientId: 'c',
        issuer: 'https://id.example',
        tokenEndpoint: 'https://id.example/t',
        now: Date.now(),
      };
      await privateKeyJwt(pair.privateKey)(context, body, new Headers());
      const { protectedHeader } = await jwtVerify(body.get('client_assertion') ?? '', pair.publicKey, {
        audience: 'https://id.example',
      });
      expect(protectedHeader.alg).toBe('ES384');
    });

    test('uses the token endpoint as audience when the issuer is unknown', async () => {
      const body = new URLSearchParams();
      const context = { clientId: 'c', issuer: undefined, tokenEndpoint: 'https://id.example/token', now: Date.now() };
      await privateKeyJwt(rsaKeys.privateKey)(context, body, new Headers());
      expect(decodeJwt(body.get('client_assertion') ?? '').aud).toBe('https://id.example/token');
    });

    test('is refused by the provider when signed with another key', async () => {
      const config = configFor(
        provider,
        privateKeyJwt(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
        'rsa_jwt_client',
      );
      await expect(clientCredentialsGrant(config)).rejects.toMatchObject({
        code: 'ERR_OAUTH',
        error: 'invalid_client',
      });
    });
  });

  describe('configuration mistakes', () => {
    test.each([
      ['an empty secret for clientSecretBasic', () => clientSecretBasic(''), '"secret" must be a non-empty string'],
      ['an empty secret for clientSecretPost', () => clientSecretPost(''), '"secret" must be a non-empty string'],
      ['a public key', () => privateKeyJwt(rsaKeys.publicKey), '"key" must be a private key'],
      [
        'a public JWK',
        () => privateKeyJwt(rsaKeys.publicKey.export({ format: 'jwk' })),
        '"key" must be a private key (KeyObject, CryptoKey or JWK)',
      ],
      [
        'an algorithm the key cannot use',
        () => privateKeyJwt(ecKeys.privateKey, { alg: 'RS256' }),
        '"alg" must be one of ES256 for this key',
      ],
      [
        'an assertion lifetime of an hour',
        () => privateKeyJwt(rsaKeys.privateKey, { lifetimeSeconds: 3600 }),
        '"lifetimeSeconds" must be an integer from 1 to 600',
      ],
    ])('throws a TypeError naming the option for %s', (_title, build, message) => {
      expect(build).toThrow(TypeError);
      expect(build).toThrow(new TypeError(message));
    });
  });
});

describe('privateKeyJwt options', () => {
  test('refuses an unknown key, naming the nearest option', () => {
    expect(() => privateKeyJwt(rsaKeys.privateKey, { lifetime: 30 } as never)).toThrow(
      new TypeError('unknown option "lifetime"; did you mean "lifetimeSeconds"?'),
    );
  });
});
