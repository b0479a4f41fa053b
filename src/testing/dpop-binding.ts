/**
 * DPoP at the fake provider's token endpoint (RFC 9449 §5): a request with a valid proof gets a token bound to
 * the proof's key (`cnf.jkt`, `token_type: DPoP`), as Keycloak does; an invalid proof is refused with
 * `invalid_dpop_proof`.
 */
import type { IncomingMessage } from 'node:http';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';

/** How far a proof's `iat` may be from now, in seconds. */
const PROOF_WINDOW_SECONDS = 60;

/** Why a proof was refused; the endpoint answers it as an OAuth error. */
export class DpopProofRefusal extends Error {}

/**
 * The thumbprint to bind the token to, or `undefined` when the request carries no proof.
 *
 * @throws {DpopProofRefusal} when the proof is malformed, badly signed, stale, or for another method or URL.
 */
export async function dpopBinding(req: IncomingMessage, tokenEndpoint: string): Promise<string | undefined> {
  const raw = req.headersDistinct['dpop'];
  if (raw === undefined) return undefined;
  if (raw.length !== 1) throw new DpopProofRefusal('more than one DPoP header');
  let verified;
  try {
    verified = await jwtVerify(raw[0] as string, EmbeddedJWK, {
      typ: 'dpop+jwt',
      maxTokenAge: PROOF_WINDOW_SECONDS,
      clockTolerance: PROOF_WINDOW_SECONDS,
      requiredClaims: ['jti', 'htm', 'htu', 'iat'],
    });
  } catch (error) {
    throw new DpopProofRefusal(`DPoP proof refused: ${(error as Error).message}`);
  }
  const { payload, protectedHeader } = verified;
  if (payload['htm'] !== 'POST' || payload['htu'] !== tokenEndpoint) {
    throw new DpopProofRefusal('DPoP proof is not for POST at this token endpoint');
  }
  return calculateJwkThumbprint(protectedHeader.jwk as JWK, 'sha256');
}
