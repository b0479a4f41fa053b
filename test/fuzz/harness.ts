/**
 * The fuzz harness shared by `scripts/fuzz.ts` (the fuzzer) and `test/fuzz/regression.test.ts` (the replay):
 * a real `createTokenVerifier` whose issuer publishes fixed keys through an in-memory `fetch` (no network,
 * so runs are fast and any input replays identically), a fixed clock, and the two invariants:
 *
 *  1. the verifier and the `Authorization` parser throw nothing but this library's typed errors
 *     (`AuthError` subclasses), whatever they are given;
 *  2. the verifier never accepts a token that is not signed by a key of the JWKS: every acceptance is
 *     checked again by an independent verifier (jose's `jwtVerify` over the same JWKS, issuer, audience and
 *     clock), and must return exactly what the token's payload part says.
 */
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { extractBearerToken, type BearerRequest, type BearerSources } from '../../src/core/bearer/extract.js';
import { AuthError, InvalidRequestError, InvalidTokenError, MissingCredentialsError } from '../../src/core/errors.js';
import { resolveOptions } from '../../src/core/options.js';
import { createTokenVerifier, type TokenVerifier } from '../../src/core/jwt/verify.js';
import { OUTSIDER_RSA_PEM, PROVIDER_EC_PEM, PROVIDER_RSA_PEM } from './fixed-keys.js';

export const ISSUER = 'https://idp.fuzz.invalid/realms/myorg';
export const AUDIENCE = 'test-api';
/** The harness's clock: 2027-01-15T08:00:00Z, in milliseconds. Tokens in the regression corpus are valid at it. */
export const NOW_MS = 1_800_000_000_000;
export const NOW = NOW_MS / 1000;

/** A signing key of the harness. */
export interface HarnessKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: KeyObject;
  readonly jwk: JWK;
}

function harnessKey(pem: string, kid: string, alg: HarnessKey['alg']): HarnessKey {
  const privateKey = createPrivateKey(pem);
  return {
    kid,
    alg,
    privateKey,
    jwk: { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg, use: 'sig' },
  };
}

export const PROVIDER_RSA = harnessKey(PROVIDER_RSA_PEM, 'fuzz-rsa', 'RS256');
export const PROVIDER_EC = harnessKey(PROVIDER_EC_PEM, 'fuzz-ec', 'ES256');
/** Not in the JWKS. Its kid is the provider's RSA kid: an impostor. */
export const OUTSIDER = harnessKey(OUTSIDER_RSA_PEM, 'fuzz-rsa', 'RS256');
export const JWKS = { keys: [PROVIDER_RSA.jwk, PROVIDER_EC.jwk] };

/** Serves discovery and the JWKS from memory. */
const inMemoryFetch: typeof fetch = async (input) => {
  const url = String(input);
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  if (url === `${ISSUER}/.well-known/openid-configuration`)
    return json({ issuer: ISSUER, jwks_uri: `${ISSUER}/certs` });
  if (url === `${ISSUER}/certs`) return json(JWKS);
  return new Response('not found', { status: 404 });
};

/** A fresh verifier over the harness's issuer (its own key cache and verified-token cache). */
export function createHarnessVerifier(): TokenVerifier {
  return createTokenVerifier(
    resolveOptions({ issuer: ISSUER, audience: AUDIENCE, now: () => NOW_MS, fetch: inMemoryFetch }),
  );
}

const oracleKeys = createLocalJWKSet(JWKS);

/** An invariant broken: what the fuzzer reports and the regression test fails on. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/** What the verifier made of a token. */
export type TokenOutcome =
  { readonly accepted: true } | { readonly accepted: false; readonly code: string; readonly message: string };

/** Verifies `token`, checks both invariants, and returns the outcome; throws {@link InvariantViolation}. */
export async function checkToken(verifier: TokenVerifier, token: string): Promise<TokenOutcome> {
  let verified;
  try {
    verified = await verifier.verify(token);
  } catch (error) {
    if (!(error instanceof AuthError))
      throw new InvariantViolation(`the verifier threw a ${describeError(error)}, not an AuthError`, { cause: error });
    if (!(error instanceof InvalidTokenError))
      throw new InvariantViolation(`the verifier threw ${error.name} with the keys at hand`, { cause: error });
    expectNoEcho(error.message, token);
    return { accepted: false, code: error.code, message: error.message };
  }
  try {
    await jwtVerify(token, oracleKeys, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256', 'ES256'],
      currentDate: new Date(NOW_MS),
      clockTolerance: 30,
      requiredClaims: ['exp'],
    });
  } catch (error) {
    throw new InvariantViolation(
      `the verifier accepted a token the independent check refuses: ${describeError(error)}`,
      { cause: error },
    );
  }
  const payloadText = Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8');
  if (verified.token !== token || JSON.stringify(verified.payload) !== JSON.stringify(JSON.parse(payloadText))) {
    throw new InvariantViolation('the verified token does not carry exactly the payload that was signed');
  }
  return { accepted: true };
}

/** An error message never repeats token material (it reaches `error_description`). */
function expectNoEcho(message: string, token: string): void {
  for (const part of token.split('.')) {
    if (part.length >= 12 && message.includes(part))
      throw new InvariantViolation(`an error message repeats part of the token: ${message}`);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `non-Error ${typeof error}`;
}

/** One request as the `Authorization` parser sees it (what Node would build from the raw request). */
export interface HeaderInput {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly body?: unknown;
  readonly sources: BearerSources;
}

/** What the parser made of a request. */
export type HeaderOutcome = { readonly token: string } | { readonly code: string };

/** Node's view of raw headers: the first `authorization` and `content-type` values, as `req.headers` holds them. */
function nodeHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if ((name === 'authorization' || name === 'content-type') && !(name in headers)) headers[name] = raw[i + 1]!;
  }
  return headers;
}

/** Runs `extractBearerToken` on a request, checks its invariants, and returns the outcome. */
export function checkHeader(input: HeaderInput): HeaderOutcome {
  const req: BearerRequest = {
    method: input.method,
    url: input.url,
    rawHeaders: input.rawHeaders,
    headers: nodeHeaders(input.rawHeaders),
    body: input.body,
  };
  let token: string;
  try {
    token = extractBearerToken(req, input.sources);
  } catch (error) {
    if (!(error instanceof InvalidRequestError) && !(error instanceof MissingCredentialsError)) {
      throw new InvariantViolation(`the Authorization parser threw a ${describeError(error)}, not an AuthError`, {
        cause: error,
      });
    }
    return { code: error.code };
  }
  if (token === '') throw new InvariantViolation('the parser returned an empty token');
  const authorizations = input.rawHeaders.filter(
    (_, i) => i % 2 === 0 && input.rawHeaders[i]!.toLowerCase() === 'authorization',
  ).length;
  if (authorizations > 1) throw new InvariantViolation('the parser accepted a request with two Authorization headers');
  const header = req.headers.authorization;
  const query = new URLSearchParams(input.url.includes('?') ? input.url.slice(input.url.indexOf('?') + 1) : '').getAll(
    'access_token',
  );
  const body =
    typeof input.body === 'object' && input.body !== null
      ? (input.body as Record<string, unknown>).access_token
      : undefined;
  // the header's token is trimmed; a query or body value is the token exactly as sent
  const fromHeader = typeof header === 'string' && header.includes(token) && token === token.trim();
  const fromQuery = input.sources.query && query.includes(token);
  const fromBody = input.sources.body && body === token;
  if (!fromHeader && !fromQuery && !fromBody)
    throw new InvariantViolation('the parser returned a token from no enabled place');
  return { token };
}
