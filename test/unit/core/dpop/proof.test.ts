import { beforeAll, describe, expect, test } from '@jest/globals';
import { calculateJwkThumbprint, generateKeyPair, SignJWT } from 'jose';
import { accessTokenHash, normaliseHtu, verifyProof, type ProofExpectation } from '../../../../src/core/dpop/proof.js';
import { InvalidDpopProofError } from '../../../../src/core/errors.js';
import { dpopClient, type DpopClient } from '../../../helpers/dpop.js';

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
const HTU = 'https://resource.example.org/protectedresource';
let client: DpopClient;

beforeAll(async () => {
  client = await dpopClient();
});

const expectation = (overrides: Partial<ProofExpectation> = {}): ProofExpectation => ({
  method: 'GET',
  htu: HTU,
  token: TOKEN,
  now: Math.floor(Date.now() / 1000),
  lifetime: 60,
  algorithms: new Set(['ES256', 'RS256', 'EdDSA']),
  ...overrides,
});

async function refusal(proof: string, overrides: Partial<ProofExpectation> = {}): Promise<InvalidDpopProofError> {
  const error = await verifyProof(proof, expectation(overrides)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidDpopProofError);
  return error as InvalidDpopProofError;
}

describe('RFC 9449 and RFC 7638 examples', () => {
  test('the thumbprint of RFC 9449 §4.2 example key is the cnf.jkt of its §6.1 example', async () => {
    const jwk = {
      kty: 'EC',
      x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs',
      y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA',
      crv: 'P-256',
    };
    expect(await calculateJwkThumbprint(jwk, 'sha256')).toBe('0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I');
  });

  test('the thumbprint of RFC 7638 §3.1 example RSA key', async () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(await calculateJwkThumbprint(jwk, 'sha256')).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  test('ath is the base64url SHA-256 of the token, as RFC 9449 §7.1 example shows', () => {
    expect(accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe(
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    );
  });

  test('htu is normalised (case, default port, dot segments) and loses its query and fragment', () => {
    expect(normaliseHtu('HTTPS://Resource.Example.ORG:443/a/../protectedresource?x=1#f')).toBe(HTU);
    expect(normaliseHtu('not a url')).toBeUndefined();
    expect(normaliseHtu('ftp://resource.example.org/x')).toBeUndefined();
  });
});

describe('verifyProof', () => {
  test('accepts a proof for this request and token, and names its key thumbprint and jti', async () => {
    const proof = await client.proof('GET', HTU, TOKEN, { claims: { jti: 'e1j3V_bKic8-LAEB' } });
    await expect(verifyProof(proof, expectation())).resolves.toEqual({
      jkt: client.jkt,
      jti: 'e1j3V_bKic8-LAEB',
      nonce: undefined,
    });
  });

  test('accepts a proof whose htu carries a query and fragment (ignored), and passes its nonce on', async () => {
    const proof = await client.proof('GET', `${HTU}?a=1#b`, TOKEN, { claims: { nonce: 'n-1' } });
    await expect(verifyProof(proof, expectation())).resolves.toMatchObject({ nonce: 'n-1' });
  });

  test.each([
    ['typ is missing', { header: { typ: undefined } }, 'DPoP proof "typ" must be "dpop+jwt"'],
    ['typ is JWT', { header: { typ: 'JWT' } }, 'DPoP proof "typ" must be "dpop+jwt"'],
    ['jwk is missing', { header: { jwk: undefined } }, 'DPoP proof header has no public key ("jwk")'],
    ['jwk is a string', { header: { jwk: 'key' } }, 'DPoP proof header has no public key ("jwk")'],
  ])('refuses a proof whose %s', async (_what, options, message) => {
    const error = await refusal(await client.proof('GET', HTU, TOKEN, options));
    expect(error).toMatchObject({ code: 'invalid_dpop_proof', reason: 'dpop_proof', message });
  });

  test('refuses a proof that carries its private key in jwk', async () => {
    const proof = await client.proof('GET', HTU, TOKEN, { header: { jwk: client.privateJwk } });
    expect((await refusal(proof)).message).toBe(
      'DPoP proof "jwk" must be a public key, never a private or symmetric one',
    );
  });

  test('refuses a proof signed with an algorithm outside the allow-list, and an HMAC one', async () => {
    const rsa = await dpopClient('PS256');
    expect((await refusal(await rsa.proof('GET', HTU, TOKEN))).message).toBe(
      'DPoP proof "alg" is not an allowed asymmetric algorithm',
    );
    const hmac = await new SignJWT({ jti: 'x', htm: 'GET', htu: HTU, iat: 1, ath: accessTokenHash(TOKEN) })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'c2VjcmV0' } as { kty: string } })
      .sign(new TextEncoder().encode('secret-secret-secret-secret-secret'));
    expect((await refusal(hmac, { algorithms: new Set(['HS256']) })).message).toBe(
      'DPoP proof "jwk" must be a public key, never a private or symmetric one',
    );
  });

  test('refuses a proof signed by another key than its jwk', async () => {
    const other = await generateKeyPair('ES256');
    const proof = await client.proof('GET', HTU, TOKEN, { key: other.privateKey });
    expect((await refusal(proof)).message).toBe('DPoP proof signature does not verify with its "jwk"');
  });

  test('refuses a proof whose signature was altered', async () => {
    const proof = await client.proof('GET', HTU, TOKEN);
    const [h, p, s] = proof.split('.');
    const altered = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
    expect((await refusal(altered)).message).toBe('DPoP proof signature does not verify with its "jwk"');
  });

  test.each([
    ['not a compact JWS', 'abc.def', 'DPoP proof is not a compact JWS'],
    ['a JWS with padding', 'a.b.c=', 'DPoP proof is not a compact JWS'],
    ['too long', `${'a'.repeat(9000)}.b.c`, 'DPoP proof is longer than 8192 characters'],
    ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln', 'DPoP proof header is not a JSON object'],
  ])('refuses a proof that is %s', async (_what, proof, message) => {
    expect((await refusal(proof)).message).toBe(message);
  });

  test.each([
    ['jti', undefined, 'DPoP proof "jti" claim must be a non-empty string'],
    ['jti', 5, 'DPoP proof "jti" claim must be a non-empty string'],
    ['jti', 'x'.repeat(257), 'DPoP proof "jti" is longer than 256 characters'],
    ['htm', undefined, 'DPoP proof "htm" claim must be a non-empty string'],
    ['htu', ['x'], 'DPoP proof "htu" claim must be a non-empty string'],
    ['ath', undefined, 'DPoP proof "ath" claim must be a non-empty string'],
    ['iat', undefined, 'DPoP proof "iat" claim must be a number'],
    ['iat', '1700000000', 'DPoP proof "iat" claim must be a number'],
    ['nonce', 7, 'DPoP proof "nonce" claim must be a string'],
  ])('refuses a proof whose %s claim is %p', async (claim, value, message) => {
    const proof = await client.proof('GET', HTU, TOKEN, { claims: { [claim]: value } });
    expect((await refusal(proof)).message).toBe(message);
  });

  test('refuses a proof for another method', async () => {
    const proof = await client.proof('POST', HTU, TOKEN);
    expect((await refusal(proof)).message).toBe('DPoP proof "htm" does not match the request method');
  });

  test.each([
    ['another path', 'https://resource.example.org/other'],
    ['another host', 'https://attacker.example/protectedresource'],
    ['another scheme', 'http://resource.example.org/protectedresource'],
    ['another port', 'https://resource.example.org:8443/protectedresource'],
    ['no URL at all', 'protectedresource'],
  ])('refuses a proof for %s', async (_what, htu) => {
    const proof = await client.proof('GET', htu, TOKEN);
    expect((await refusal(proof)).message).toBe('DPoP proof "htu" does not match the request URL');
  });

  test('refuses a proof issued more than the lifetime ago, or as far ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const iat of [now - 61, now + 61]) {
      const proof = await client.proof('GET', HTU, TOKEN, { claims: { iat } });
      expect((await refusal(proof, { now })).message).toBe('DPoP proof "iat" is too far from the current time');
    }
    const edge = await client.proof('GET', HTU, TOKEN, { claims: { iat: now - 60 } });
    await expect(verifyProof(edge, expectation({ now }))).resolves.toMatchObject({ jkt: client.jkt });
  });

  test('refuses a proof whose ath is the hash of another token', async () => {
    const proof = await client.proof('GET', HTU, 'another-token');
    expect((await refusal(proof)).message).toBe('DPoP proof "ath" is not the hash of the access token');
  });

  test('refuses a payload that is not a JSON object', async () => {
    const proof = await client.proof('GET', HTU, TOKEN);
    const [h] = proof.split('.');
    const payload = Buffer.from('[1]').toString('base64url');
    expect((await refusal(`${h}.${payload}.c2ln`)).message).toBe('DPoP proof signature does not verify with its "jwk"');
  });
});
