import { describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { accessTokenHash, createDpopKey, proofTarget } from '../../../src/client/dpop.js';

describe('DPoP proofs', () => {
  test('a proof has typ dpop+jwt, the public jwk only, and verifies with that key', async () => {
    const key = createDpopKey();
    const proof = await key.proof({ htm: 'post', htu: 'https://server.example.com/token' });
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(protectedHeader.alg).toBe('ES256');
    expect(Object.keys(protectedHeader.jwk as JWK).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(payload).toMatchObject({ htm: 'POST', htu: 'https://server.example.com/token' });
    expect(typeof payload.jti).toBe('string');
    expect(payload).not.toHaveProperty('ath');
    expect(payload).not.toHaveProperty('nonce');
  });

  test('each proof has a new jti and the iat of the clock', async () => {
    const key = createDpopKey({ now: () => 1_562_262_616_000 });
    const first = decodeJwt(await key.proof({ htm: 'GET', htu: 'https://rs.example/a' }));
    const second = decodeJwt(await key.proof({ htm: 'GET', htu: 'https://rs.example/a' }));
    expect(first.iat).toBe(1_562_262_616);
    expect(first.jti).not.toBe(second.jti);
  });

  test('htu leaves out the query and fragment (RFC 9449 §4.2)', async () => {
    const key = createDpopKey();
    const proof = await key.proof({ htm: 'GET', htu: 'https://resource.example.org/protectedresource?a=1#frag' });
    expect(decodeJwt(proof)['htu']).toBe('https://resource.example.org/protectedresource');
    expect(proofTarget('https://EXAMPLE.org:443/p?x')).toBe('https://example.org/p');
  });

  test('ath is the base64url SHA-256 of the access token, as in RFC 9449 §7.1', async () => {
    // The access token and ath value of the RFC's example.
    const token = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
    expect(accessTokenHash(token)).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
    const proof = await createDpopKey().proof({ htm: 'GET', htu: 'https://rs.example/', accessToken: token });
    expect(decodeJwt(proof)['ath']).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
  });

  test('a nonce given is carried in the proof', async () => {
    const proof = await createDpopKey().proof({
      htm: 'GET',
      htu: 'https://rs.example/',
      nonce: 'eyJ7S_zG.eyJH0-Z.HX4w-7v',
    });
    expect(decodeJwt(proof)['nonce']).toBe('eyJ7S_zG.eyJH0-Z.HX4w-7v');
  });

  test('the same key signs every proof, and its thumbprint is the RFC 7638 thumbprint of the proofs’ jwk', async () => {
    const key = createDpopKey();
    const a = decodeProtectedHeader(await key.proof({ htm: 'GET', htu: 'https://rs.example/' }));
    const b = decodeProtectedHeader(await key.proof({ htm: 'GET', htu: 'https://rs.example/' }));
    expect(a.jwk).toEqual(b.jwk);
    expect(await key.thumbprint()).toBe(await calculateJwkThumbprint(a.jwk as JWK, 'sha256'));
    const other = createDpopKey();
    expect(await other.thumbprint()).not.toBe(await key.thumbprint());
  });

  test('a key of the user’s own signs with its algorithm and never puts private parts in the jwk', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = createDpopKey({ key: privateKey, alg: 'PS256' });
    const proof = await key.proof({ htm: 'GET', htu: 'https://rs.example/' });
    const header = decodeProtectedHeader(proof);
    expect(header.alg).toBe('PS256');
    expect(Object.keys(header.jwk as JWK).sort()).toEqual(['e', 'kty', 'n']);
    await expect(jwtVerify(proof, EmbeddedJWK)).resolves.toBeDefined();
  });

  test('a wrong key, algorithm or option is refused when the key is made', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => createDpopKey({ key: privateKey, alg: 'RS256' })).toThrow(/"alg" must be one of ES256/);
    expect(() => createDpopKey({ key: publicKey })).toThrow(/private key/);
    expect(() => createDpopKey({ alg: 'RS256' })).toThrow(/needs a "key"/);
    expect(() => createDpopKey({ now: 5 as unknown as () => number })).toThrow(/"now"/);
    expect(() => createDpopKey({ size: 1 } as never)).toThrow(/size/);
  });
});
