/**
 * DPoP (RFC 9449): a key pair the client holds, and the proofs it signs with it. The token endpoint binds the
 * token to the key's thumbprint (`cnf.jkt`); every later request proves possession with a fresh proof, so a
 * stolen token is useless without the private key.
 */
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import type { KeyObject, webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JWK } from 'jose';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import { signingAlgFor, toPrivateKeyObject } from './signing-alg.js';
import type { PrivateKeyInput } from './signing-alg.js';

/** What one proof is for (RFC 9449 §4.2). */
export interface DpopProofRequest {
  /** The HTTP method of the request. */
  readonly htm: string;
  /** The request's URL; its query and fragment are left out of `htu`. */
  readonly htu: string;
  /** The access token the request carries, hashed into `ath`; absent on a token request. */
  readonly accessToken?: string;
  /** The server's most recent `DPoP-Nonce`, when it sent one. */
  readonly nonce?: string;
}

/** A DPoP key pair: proves possession of its private key; see {@link createDpopKey}. */
export interface DpopKey {
  /** Signs a fresh proof (new `jti`, current `iat`) for one request. */
  proof(request: DpopProofRequest): Promise<string>;
  /** The RFC 7638 SHA-256 thumbprint of the public key: what a bound token carries as `cnf.jkt`. */
  thumbprint(): Promise<string>;
}

/** Options of {@link createDpopKey}. */
export interface DpopKeyOptions {
  /** The client's own private key; by default a fresh ES256 (P-256) key pair, never leaving this process. */
  readonly key?: PrivateKeyInput;
  /** The JWS algorithm for a given `key`; by default the key's own (ES256 for P-256, RS256 for RSA, …). */
  readonly alg?: string;
  /** The clock, in milliseconds since the epoch (default `Date.now`); `iat` is taken from it. */
  readonly now?: () => number;
}

const DPOP_KEY_OPTION_KEYS = { key: true, alg: true, now: true } as const satisfies OptionKeys<DpopKeyOptions>;

interface Signer {
  readonly alg: string;
  readonly privateKey: KeyObject | webcrypto.CryptoKey;
  readonly jwk: JWK;
}

/** The public half as a JWK with only the key's own members: a proof must never carry private parts. */
async function publicJwk(publicKey: KeyObject | webcrypto.CryptoKey): Promise<JWK> {
  const { kty, crv, x, y, n, e } = await exportJWK(publicKey);
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined)) as JWK;
}

async function userSigner(key: PrivateKeyInput, requestedAlg: string | undefined): Promise<Signer> {
  const privateKey = toPrivateKeyObject(key);
  const alg = signingAlgFor(privateKey, requestedAlg);
  return { alg, privateKey, jwk: await publicJwk(createPublicKey(privateKey)) };
}

async function freshSigner(): Promise<Signer> {
  const pair = await generateKeyPair('ES256');
  return { alg: 'ES256', privateKey: pair.privateKey, jwk: await publicJwk(pair.publicKey) };
}

/** RFC 9449 §4.2: `htu` is the request URI without query and fragment. */
export function proofTarget(url: string): string {
  const target = new URL(url);
  target.search = '';
  target.hash = '';
  return target.href;
}

/** RFC 9449 §4.2: `ath` is the base64url SHA-256 of the ASCII access token. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

/**
 * Creates a DPoP key. A given key is checked now (a wrong key or algorithm fails at startup); a fresh pair is
 * made on first use. Keep the key as long as the tokens bound to it: a token source does so for you.
 *
 * @example
 * const dpop = createDpopKey()
 * const proof = await dpop.proof({ htm: 'GET', htu: 'https://api.example.com/orders', accessToken })
 */
export function createDpopKey(options: DpopKeyOptions = {}): DpopKey {
  refuseUnknownKeys(options, DPOP_KEY_OPTION_KEYS, '');
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('"now" must be a function');
  if (options.key === undefined && options.alg !== undefined && options.alg !== 'ES256') {
    throw new TypeError('"alg" other than ES256 needs a "key"');
  }
  if (options.key !== undefined) signingAlgFor(toPrivateKeyObject(options.key), options.alg);
  const now = options.now ?? Date.now;
  let signer: Promise<Signer> | undefined;
  const getSigner = () => (signer ??= options.key === undefined ? freshSigner() : userSigner(options.key, options.alg));
  return Object.freeze({
    async proof(request: DpopProofRequest): Promise<string> {
      const { alg, privateKey, jwk } = await getSigner();
      const claims: Record<string, string> = { htm: request.htm.toUpperCase(), htu: proofTarget(request.htu) };
      if (request.accessToken !== undefined) claims['ath'] = accessTokenHash(request.accessToken);
      if (request.nonce !== undefined) claims['nonce'] = request.nonce;
      return new SignJWT(claims)
        .setProtectedHeader({ typ: 'dpop+jwt', alg, jwk })
        .setJti(randomUUID())
        .setIssuedAt(Math.floor(now() / 1000))
        .sign(privateKey);
    },
    async thumbprint(): Promise<string> {
      return calculateJwkThumbprint((await getSigner()).jwk, 'sha256');
    },
  });
}
