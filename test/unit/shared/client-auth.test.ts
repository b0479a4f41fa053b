import { describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { privateKeyJwt } from '../../../src/client/client-auth.js';
import { resolveIntrospection } from '../../../src/core/introspection/options.js';
import { resolveOptions } from '../../../src/core/options.js';
import {
  authenticatedForm,
  basicAuthorization,
  secretBasic,
  secretPost,
  signedAssertion,
} from '../../../src/shared/client-auth.js';

const CONTEXT = { clientId: 'my api', issuer: 'https://idp.example/realms/a', tokenEndpoint: 'https://t', now: 0 };

describe('shared client authentication', () => {
  test('client_secret_basic form-encodes the id and the secret before base64 (RFC 6749 §2.3.1)', () => {
    const expected = Buffer.from('my+api:p%40ss%3Aw+rd%2F%C3%A9').toString('base64');
    expect(basicAuthorization('my api', 'p@ss:w rd/é')).toBe(`Basic ${expected}`);
  });

  test('authenticatedForm sends the fields it is given, skips absent ones, and lets the strategy add credentials', async () => {
    const basic = await authenticatedForm(secretBasic('s'), CONTEXT, { token: 't', token_type_hint: undefined });
    expect(basic.body).toBe('token=t');
    expect(basic.headers).toEqual({
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuthorization('my api', 's'),
    });
    const post = await authenticatedForm(secretPost('s&=x'), CONTEXT, { grant_type: 'client_credentials' });
    expect(post.body).toBe('grant_type=client_credentials&client_id=my+api&client_secret=s%26%3Dx');
    expect(post.headers).not.toHaveProperty('authorization');
  });

  test('a signed assertion names the client as iss and sub and the issuer as its single audience (RFC 7523 §3)', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const auth = signedAssertion({ key: privateKey, alg: 'ES256', kid: 'k1', lifetimeSeconds: 30 });
    const { body } = await authenticatedForm(auth, { ...CONTEXT, now: 1_700_000_000_000 }, {});
    const assertion = new URLSearchParams(body).get('client_assertion') ?? '';
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'ES256', kid: 'k1' });
    expect(decodeJwt(assertion)).toMatchObject({
      iss: 'my api',
      sub: 'my api',
      aud: CONTEXT.issuer,
      exp: 1_700_000_030,
    });
  });

  test('introspection with a bare clientSecret and the client strategies build the same request as the shared code', async () => {
    const resolved = resolveOptions({ issuer: CONTEXT.issuer, audience: 'my api' });
    const introspection = resolveIntrospection({ clientId: 'my api', clientSecret: 's' }, resolved, false);
    const viaIntrospection = await authenticatedForm(introspection.clientAuth, CONTEXT, { token: 't' });
    expect(viaIntrospection).toEqual(await authenticatedForm(secretBasic('s'), CONTEXT, { token: 't' }));
    const { privateKey } = generateKeyPairSync('ed25519');
    const viaClient = await authenticatedForm(privateKeyJwt(privateKey), CONTEXT, {});
    expect(decodeProtectedHeader(new URLSearchParams(viaClient.body).get('client_assertion') ?? '')).toEqual({
      alg: 'EdDSA',
    });
  });
});
