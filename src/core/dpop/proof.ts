import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, EmbeddedJWK, type JWK } from 'jose';
import { InvalidDpopProofError } from '../errors.js';

/** What a proof must match: this request, this token, this server's clock and algorithms. */
export interface ProofExpectation {
  /** The request's method, e.g. `GET`. */
  readonly method: string;
  /** The request's URL as clients address it: the configured public origin and the path, nothing else. */
  readonly htu: string;
  /** The access token the proof accompanies (its hash is `ath`). */
  readonly token: string;
  /** Seconds since the epoch. */
  readonly now: number;
  /** Seconds `iat` may be away from now, either way. */
  readonly lifetime: number;
  readonly algorithms: ReadonlySet<string>;
}

/** The parts of a verified proof that the later checks (binding, nonce, replay) need. */
export interface VerifiedProof {
  /** The RFC 7638 SHA-256 thumbprint of the proof's key (compared with the token's `cnf.jkt`). */
  readonly jkt: string;
  readonly jti: string;
  readonly nonce: string | undefined;
}

/** Longer proofs are refused before any parsing: a proof is a header with one public key and five claims. */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const refuse = (message: string, cause?: unknown): InvalidDpopProofError =>
  new InvalidDpopProofError(message, cause === undefined ? {} : { cause });

/** The access-token hash of RFC 9449 §4.2 (`ath`): base64url of the SHA-256 of the token's ASCII. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

/**
 * RFC 9449 §4.3 (11): `htu` is compared "ignoring any query and fragment parts" after syntax- and scheme-based
 * normalisation (RFC 3986 §6.2.2, §6.2.3). The WHATWG URL parser does that part: case of scheme and host, default
 * ports, dot segments. `undefined` for what is not an absolute http(s) URL.
 */
export function normaliseHtu(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return `${url.origin}${url.pathname}`;
}

function headerOf(proof: string): Record<string, unknown> {
  if (proof.length > MAX_PROOF_LENGTH) throw refuse(`DPoP proof is longer than ${MAX_PROOF_LENGTH} characters`);
  if (!COMPACT_JWS.test(proof)) throw refuse('DPoP proof is not a compact JWS');
  try {
    return decodeProtectedHeader(proof) as Record<string, unknown>;
  } catch (error) {
    throw refuse('DPoP proof header is not a JSON object', error);
  }
}

/** RFC 9449 §4.3 (4)-(6): `typ`, an allowed asymmetric `alg`, a public `jwk`. */
function checkHeader(header: Record<string, unknown>, algorithms: ReadonlySet<string>): JWK {
  if (header.typ !== 'dpop+jwt') throw refuse('DPoP proof "typ" must be "dpop+jwt"');
  if (typeof header.alg !== 'string' || !algorithms.has(header.alg))
    throw refuse('DPoP proof "alg" is not an allowed asymmetric algorithm');
  const jwk = header.jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw refuse('DPoP proof header has no public key ("jwk")');
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member)))
    throw refuse('DPoP proof "jwk" must be a public key, never a private or symmetric one');
  return jwk as JWK;
}

function claimsOf(bytes: Uint8Array): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw refuse('DPoP proof payload is not JSON', error);
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw refuse('DPoP proof payload is not a JSON object');
  return claims as Record<string, unknown>;
}

function stringClaim(claims: Record<string, unknown>, name: string): string {
  const value = claims[name];
  if (typeof value !== 'string' || value === '') throw refuse(`DPoP proof "${name}" claim must be a non-empty string`);
  return value;
}

/** RFC 9449 §4.3 (7)-(12): the claims match this request and this token, and the proof is fresh. */
function checkClaims(claims: Record<string, unknown>, expected: ProofExpectation): { jti: string; nonce?: string } {
  const jti = stringClaim(claims, 'jti');
  if (jti.length > MAX_JTI_LENGTH) throw refuse(`DPoP proof "jti" is longer than ${MAX_JTI_LENGTH} characters`);
  const htm = stringClaim(claims, 'htm');
  const htu = stringClaim(claims, 'htu');
  const ath = stringClaim(claims, 'ath');
  const iat = claims.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw refuse('DPoP proof "iat" claim must be a number');
  const nonce = claims.nonce;
  if (nonce !== undefined && typeof nonce !== 'string') throw refuse('DPoP proof "nonce" claim must be a string');
  if (htm !== expected.method) throw refuse('DPoP proof "htm" does not match the request method');
  if (normaliseHtu(htu) !== expected.htu) throw refuse('DPoP proof "htu" does not match the request URL');
  if (Math.abs(expected.now - iat) > expected.lifetime)
    throw refuse('DPoP proof "iat" is too far from the current time');
  if (ath !== accessTokenHash(expected.token)) throw refuse('DPoP proof "ath" is not the hash of the access token');
  return nonce === undefined ? { jti } : { jti, nonce };
}

/**
 * Verifies a DPoP proof (RFC 9449 §4.3) for one request: a compact JWS typed `dpop+jwt`, signed with an allowed
 * asymmetric algorithm by the public key in its own header, whose claims name this request's method and URL, this
 * token's hash and a time near now. Resolves with the key's thumbprint; rejects with an
 * {@link InvalidDpopProofError}. Replay and nonces are the caller's: they need state this function does not hold.
 */
export async function verifyProof(proof: string, expected: ProofExpectation): Promise<VerifiedProof> {
  const jwk = checkHeader(headerOf(proof), expected.algorithms);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(proof, EmbeddedJWK, { algorithms: [...expected.algorithms] }));
  } catch (error) {
    throw refuse('DPoP proof signature does not verify with its "jwk"', error);
  }
  const { jti, nonce } = checkClaims(claimsOf(payload), expected);
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  return { jkt, jti, nonce };
}
