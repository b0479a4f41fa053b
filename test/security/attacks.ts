/**
 * The attack corpus: one line per forged or malformed token, with what it is, why the guard must refuse it,
 * the CVE or published attack behind it, and the exact answer the demo server owes (shared/demo-contract.md).
 * test/spec/token-validity.test.ts walks the contract's list once; this is the attacker's view of it.
 *
 * References used below:
 *  - McLean 2015, "Critical vulnerabilities in JSON Web Token libraries" (auth0 blog): `alg: none` and
 *    RS→HS key confusion; CVE-2015-9235 (jsonwebtoken), CVE-2016-10555 (jwt-simple), CVE-2015-2951 (JWT-PHP).
 *  - CVE-2022-23540 / CVE-2022-23541 (jsonwebtoken ≤ 8.5.1): `none` accepted when no algorithms were
 *    given; a public key taken as an HMAC secret.
 *  - CVE-2018-0114 (node-jose): a key embedded in the header (`jwk`) trusted for the token's own signature.
 *  - CVE-2022-21449 (Java 15-18, "psychic signatures"): ECDSA `r = s = 0` accepted.
 *  - PortSwigger Web Security Academy, "JWT attacks": `jku`/`x5u` header injection (key injection and SSRF),
 *    `kid` path traversal (`/dev/null` as HMAC key) and SQL injection, `x5c` self-signed chains.
 *  - CVE-2017-11424 (PyJWT): PEM public keys accepted as HMAC secrets.
 *  - RFC 8725 (JWT BCP) §2.1, §2.6, §2.8, §3.1, §3.8, §3.11: algorithm verification, cross-JWT confusion,
 *    issuer and audience validation, explicit typing.
 *  - RFC 7797 (unencoded payload, `b64: false` under `crit`), RFC 7515 §4.1.11 (`crit` MUST be understood).
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import type { FakeKey, FakeProvider } from '../../src/testing/index.js';
import { claimsFor, nowSeconds } from '../helpers/tokens.js';
import type { AttackerKeys } from './attacker.js';
import {
  b64u,
  casings,
  ecdsaSignature,
  P256_ORDER,
  partsOf,
  signHmac,
  signJson,
  signText,
  type SigningKey,
} from './forge.js';

/** What an attack line may use: the provider's keys, the attacker's, and where the attacker listens. */
export interface AttackContext {
  readonly idp: FakeProvider;
  /** The provider's current RS256 key (other RS256 and ES256 keys are published beside it). */
  readonly rsa: FakeKey;
  /** The provider's published ES256 key. */
  readonly es: FakeKey;
  /** The public JWK of `rsa`, as published. */
  readonly rsaJwk: JWK;
  /** The kid of the provider's encryption key (`use: enc`), published beside the signing keys. */
  readonly encKid: string;
  /** Another realm of an identity provider, with its own keys. */
  readonly otherRealm: FakeProvider;
  readonly attacker: AttackerKeys;
  /** The attacker's server on 127.0.0.1. */
  readonly attackerUrl: string;
}

/** The answer a line must get: status, RFC 6750 error code, exact description (and scope for a 403). */
export interface Expected {
  readonly status: 400 | 401 | 403;
  readonly error: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  readonly description: string;
  readonly scope?: string;
}

/** One line of the corpus. */
export interface Attack {
  /** What the attacker sends. */
  readonly what: string;
  /** Why it must be refused. */
  readonly why: string;
  /** The CVE or published attack behind it, when there is one. */
  readonly ref: string | undefined;
  /** The route it is sent to. */
  readonly route: string;
  /** The `Authorization: Bearer` value. */
  readonly forge: (c: AttackContext) => string | Promise<string>;
  readonly expected: Expected;
}

// The contract's descriptions (src/core/*). Exact strings: the test asserts body and challenge against them.
const NOT_COMPACT = 'token is not a compact JWS (three base64url parts)';
const ALG = 'token "alg" is not allowed; only asymmetric signatures are accepted';
const CRIT = 'token header has a "crit" extension this server does not understand';
const KID_TYPE = 'token "kid" must be a string';
// `<issuer>` stands for the provider's issuer (its port changes per run); the test fills it in.
const ISS = 'token "iss" is not a trusted issuer; expected "<issuer>"';
const ISS_SLASH = `${ISS} (the token's "iss" differs from "<issuer>" only by a trailing slash)`;
const NO_KEY = 'no signing key of the issuer matches the token\'s "kid"';
const SIG = 'token signature is invalid';
const HEADER_TYP = 'token is not an access token (header "typ" is not JWT or at+jwt)';
const NOT_ACCESS = 'token is not an access token ("typ" claim is not Bearer); send an access token';
const AUD_MISSING = 'token has no "aud" claim; add an Audience mapper for "test-api" to the client';
const AUD_WRONG = 'token "aud" does not include "test-api"; add an Audience mapper for it to the client';
const AUD_TYPE = '"aud" claim must be a string or an array of strings';
const SCOPE_TYPE = '"scope" claim must be a space-delimited string';
const REALM_ROLES_SHAPE = '"realm_access" claim must be an object whose "roles" is an array of strings';
const DPOP_BOUND_AS_BEARER = 'token is DPoP-bound: send it as "Authorization: DPoP" with a proof';
const CERTIFICATE_MISSING = 'token is bound to a client certificate ("cnf"), but none was presented';
const mustBeString = (claim: string) => `"${claim}" claim must be a string`;
const NEEDS_SCOPE = 'token lacks a required scope (needs all of: test_api_access)';
const NEEDS_ADMIN = 'token lacks the realm role "admin"';
const mustBeNumber = (claim: string) => `"${claim}" claim must be a number`;
const notJson = (part: 'header' | 'payload') => `token ${part} is not valid JSON`;
const notObject = (part: 'header' | 'payload') => `token ${part} is not a JSON object`;
const notB64 = (part: 'header' | 'payload') => `token ${part} is not valid base64url`;

const invalid = (description: string): Expected => ({ status: 401, error: 'invalid_token', description });
const scopeMissing: Expected = {
  status: 403,
  error: 'insufficient_scope',
  description: NEEDS_SCOPE,
  scope: 'test_api_access',
};
const roleMissing: Expected = { status: 403, error: 'insufficient_scope', description: NEEDS_ADMIN };

// ---- how the lines build their tokens ------------------------------------------------------------------

/** Valid claims of the provider's realm, for five minutes from now, with overrides (`undefined` drops one). */
function claims(c: AttackContext, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return claimsFor(c.idp.issuer, nowSeconds(), overrides);
}
/** The header the provider's current key signs with, with overrides (`undefined` drops a member). */
function header(c: AttackContext, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { alg: 'RS256', typ: 'JWT', kid: c.rsa.kid, ...overrides };
}
/** Signed by the provider's own key: only the claims or header the line changes can make it fail. */
const byProvider = (
  c: AttackContext,
  claimOverrides: Record<string, unknown> = {},
  headerOverrides: Record<string, unknown> = {},
) => signJson(c.rsa, header(c, headerOverrides), claims(c, claimOverrides));
/** Signed by the attacker's RSA key, naming the provider's kid unless the header says otherwise. */
const byAttacker = (
  c: AttackContext,
  headerOverrides: Record<string, unknown> = {},
  claimOverrides: Record<string, unknown> = {},
  key: SigningKey = c.attacker.rsa,
) => signJson(key, header(c, { alg: key.alg, ...headerOverrides }), claims(c, claimOverrides));
/** Signed by the provider over a payload text the line writes itself (numbers JSON.stringify cannot write). */
const byProviderRaw = (c: AttackContext, claim: string, rawJson: string, base: Record<string, unknown> = {}) =>
  signText(
    c.rsa,
    JSON.stringify(header(c)),
    JSON.stringify(claims(c, { ...base, [claim]: '\u0000raw' })).replace('"\\u0000raw"', rawJson),
  );
/** Header and payload as given, then a signature that is not one. */
const unsigned = (h: unknown, p: unknown, signature = 'c2lnbmF0dXJl') =>
  `${b64u(typeof h === 'string' ? h : JSON.stringify(h))}.${b64u(typeof p === 'string' ? p : JSON.stringify(p))}.${signature}`;
/** A valid token of the provider with one part replaced. */
async function withPart(
  c: AttackContext,
  index: 0 | 1 | 2,
  replace: (part: string, c: AttackContext) => string | Promise<string>,
): Promise<string> {
  const parts = partsOf(byProvider(c));
  parts[index] = await replace(parts[index], c);
  return parts.join('.');
}
/** The provider's public RSA key as PEM: what a confused verifier might take as an HMAC secret. */
function publicPem(c: AttackContext, type: 'spki' | 'pkcs1'): string {
  return createPublicKey({ key: c.rsaJwk as JsonWebKey, format: 'jwk' })
    .export({ type, format: 'pem' })
    .toString();
}
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const A = (
  what: string,
  why: string,
  ref: string | undefined,
  forge: Attack['forge'],
  expected: Expected,
  route = '/api/private',
): Attack => ({ what, why, ref, forge, expected, route });

const MCLEAN = 'McLean 2015, CVE-2015-9235';
const CONFUSION = 'RS/HS key confusion: CVE-2015-9235, CVE-2016-10555, CVE-2017-11424, CVE-2022-23541';
const PORTSWIGGER = 'PortSwigger "JWT attacks"';
const BCP = 'RFC 8725';

// ---- the corpus -------------------------------------------------------------------------------------------

export const ATTACKS: readonly Attack[] = [
  // alg: none — every casing, with a signature so that the alg check (not the format) must refuse it
  ...casings('none').map((alg) =>
    A(
      `alg "${alg}" with a valid-looking signature`,
      'an unsigned token proves nothing; "none" in no casing is an asymmetric algorithm',
      `${MCLEAN}, CVE-2022-23540`,
      (c) => unsigned(header(c, { alg }), claims(c)),
      invalid(ALG),
    ),
  ),
  A(
    'alg "none" with the empty signature of a real unsecured JWT',
    'three parts with an empty third are not a compact JWS',
    MCLEAN,
    (c) => `${b64u(JSON.stringify({ alg: 'none' }))}.${b64u(JSON.stringify(claims(c)))}.`,
    invalid(NOT_COMPACT),
  ),
  A(
    'alg "none" carrying the provider\'s real signature of the same payload',
    'the signature is never checked under an algorithm the server does not allow',
    MCLEAN,
    async (c) => withPart(c, 0, () => b64u(JSON.stringify(header(c, { alg: 'none' })))),
    invalid(ALG),
  ),
  A(
    'no alg at all',
    'an absent alg is not an allowed one',
    BCP,
    (c) => byAttacker(c, { alg: undefined }),
    invalid(ALG),
  ),
  A(
    'alg null',
    'alg must be one of the allowed strings',
    BCP,
    (c) => unsigned(header(c, { alg: null }), claims(c)),
    invalid(ALG),
  ),
  A(
    'alg ["RS256"] (an array)',
    'alg must be a string, not a list that a lax check might search',
    BCP,
    (c) => unsigned(header(c, { alg: ['RS256'] }), claims(c)),
    invalid(ALG),
  ),
  A(
    'alg "rs256" (lower case)',
    'algorithm names are case-sensitive (RFC 7515 §4.1.1)',
    BCP,
    (c) => unsigned(header(c, { alg: 'rs256' }), claims(c)),
    invalid(ALG),
  ),
  A(
    'alg "RS256 " (trailing space)',
    'no trimming: the exact name or nothing',
    BCP,
    (c) => unsigned(header(c, { alg: 'RS256 ' }), claims(c)),
    invalid(ALG),
  ),
  A(
    'alg "Ed25519" (a name the server does not allow)',
    'only the configured algorithms pass',
    BCP,
    (c) => unsigned(header(c, { alg: 'Ed25519' }), claims(c)),
    invalid(ALG),
  ),

  // HMAC signed with the provider's public key (key confusion)
  A(
    "HS256 signed with the provider's public key as SPKI PEM",
    'a public key is public: an HMAC under it is a forgery anyone can make',
    CONFUSION,
    (c) => signHmac('HS256', header(c), claims(c), publicPem(c, 'spki')),
    invalid(ALG),
  ),
  A(
    "HS256 signed with the provider's public key as PKCS#1 PEM",
    'the same forgery with the other PEM a verifier might hold',
    CONFUSION,
    (c) => signHmac('HS256', header(c), claims(c), publicPem(c, 'pkcs1')),
    invalid(ALG),
  ),
  A(
    "HS256 signed with the provider's public JWK (JSON text)",
    'the same forgery with the JWKS entry as the secret',
    CONFUSION,
    (c) => signHmac('HS256', header(c), claims(c), JSON.stringify(c.rsaJwk)),
    invalid(ALG),
  ),
  A(
    "HS256 signed with the provider's RSA modulus (raw bytes)",
    'the same forgery with the modulus as the secret',
    CONFUSION,
    (c) => signHmac('HS256', header(c), claims(c), Buffer.from(c.rsaJwk.n!, 'base64url')),
    invalid(ALG),
  ),
  A(
    "HS384 signed with the provider's public key as SPKI PEM",
    'no HMAC algorithm is allowed',
    CONFUSION,
    (c) => signHmac('HS384', header(c), claims(c), publicPem(c, 'spki')),
    invalid(ALG),
  ),
  A(
    "HS512 signed with the provider's public key as SPKI PEM",
    'no HMAC algorithm is allowed',
    CONFUSION,
    (c) => signHmac('HS512', header(c), claims(c), publicPem(c, 'spki')),
    invalid(ALG),
  ),
  A(
    'HS256 signed with an empty secret',
    'a falsy secret once meant "no verification"',
    'CVE-2022-23540',
    (c) => signHmac('HS256', header(c), claims(c), ''),
    invalid(ALG),
  ),

  // keys embedded in the header
  A(
    'attacker-signed, its own public key in "jwk", no kid',
    "a key the token brings is the attacker's; only the JWKS is trusted",
    'CVE-2018-0114',
    (c) => byAttacker(c, { kid: undefined, jwk: c.attacker.rsa.jwk }),
    invalid(SIG),
  ),
  A(
    'attacker-signed, its own public key in "jwk", kid of that key',
    "the embedded key's kid is not in the JWKS",
    'CVE-2018-0114',
    (c) => byAttacker(c, { kid: 'attacker-rsa', jwk: c.attacker.rsa.jwk }),
    invalid(NO_KEY),
  ),
  A(
    'attacker-signed, its own public key in "jwk", the provider\'s kid',
    "the kid selects the provider's key, which did not sign it",
    'CVE-2018-0114',
    (c) => byAttacker(c, { jwk: c.attacker.rsa.jwk }),
    invalid(SIG),
  ),
  A(
    'attacker-signed, its EC key in "jwk", ES256, no kid',
    'no EC key of the JWKS signed it',
    'CVE-2018-0114',
    (c) => byAttacker(c, { kid: undefined, jwk: c.attacker.ec.jwk }, {}, c.attacker.ec),
    invalid(SIG),
  ),
  A(
    'signed by a self-signed certificate\'s key, chain in "x5c", no kid',
    'a certificate the token brings anchors nothing',
    `${PORTSWIGGER} (x5c)`,
    (c) => byAttacker(c, { kid: undefined, x5c: [c.attacker.certificate.x5c] }, {}, c.attacker.certificate),
    invalid(SIG),
  ),
  A(
    'signed by a self-signed certificate\'s key, chain in "x5c", the provider\'s kid',
    "the kid selects the provider's key, which did not sign it",
    `${PORTSWIGGER} (x5c)`,
    (c) => byAttacker(c, { x5c: [c.attacker.certificate.x5c] }, {}, c.attacker.certificate),
    invalid(SIG),
  ),
  A(
    'signed by a self-signed certificate\'s key, its thumbprint in "x5t#S256", no kid',
    'a thumbprint selects nothing the JWKS does not hold',
    `${PORTSWIGGER} (x5c)`,
    (c) =>
      byAttacker(
        c,
        { kid: undefined, 'x5t#S256': c.attacker.certificate.sha256Thumbprint },
        {},
        c.attacker.certificate,
      ),
    invalid(SIG),
  ),

  // URLs in the header: never fetched (the test also proves the attacker's server saw no request)
  A(
    '"jku" naming the attacker\'s JWKS on 127.0.0.1, attacker\'s kid',
    'keys come only from the configured issuer; a URL in the token is never fetched',
    `${PORTSWIGGER} (jku injection, SSRF)`,
    (c) => byAttacker(c, { kid: 'attacker-rsa', jku: `${c.attackerUrl}/jwks.json` }),
    invalid(NO_KEY),
  ),
  A(
    '"jku" naming the attacker\'s JWKS, the provider\'s kid',
    "the provider's key did not sign it",
    `${PORTSWIGGER} (jku injection)`,
    (c) => byAttacker(c, { jku: `${c.attackerUrl}/jwks.json` }),
    invalid(SIG),
  ),
  A(
    '"x5u" naming the attacker\'s certificate on 127.0.0.1',
    'a certificate URL in the token is never fetched',
    `${PORTSWIGGER} (x5u injection, SSRF)`,
    (c) => byAttacker(c, { kid: undefined, x5u: `${c.attackerUrl}/cert.pem` }, {}, c.attacker.certificate),
    invalid(SIG),
  ),
  A(
    '"jku" naming an internal admin URL (SSRF probe)',
    "the guard makes no request on a token's behalf",
    `${PORTSWIGGER} (SSRF)`,
    (c) => byAttacker(c, { kid: 'probe', jku: `${c.attackerUrl}/internal/admin.json?x=1` }),
    invalid(NO_KEY),
  ),
  A(
    '"jku" and "jwk" and "x5u" together, attacker\'s kid',
    'none of them is a source of keys',
    PORTSWIGGER,
    (c) =>
      byAttacker(c, {
        kid: 'attacker-rsa',
        jku: `${c.attackerUrl}/jwks.json`,
        x5u: `${c.attackerUrl}/cert.pem`,
        jwk: c.attacker.rsa.jwk,
      }),
    invalid(NO_KEY),
  ),

  // kid
  A(
    'kid unknown to the JWKS',
    "only the JWKS's keys verify tokens",
    undefined,
    (c) => byAttacker(c, { kid: 'attacker-rsa' }),
    invalid(NO_KEY),
  ),
  A(
    'kid "../../../../../../dev/null" with RS256',
    'a kid is a name to look up, never a path',
    `${PORTSWIGGER} (kid path traversal)`,
    (c) => byAttacker(c, { kid: '../../../../../../dev/null' }),
    invalid(NO_KEY),
  ),
  A(
    'kid "../../../../../../dev/null" with HS256 and an empty secret',
    'the classic: /dev/null read as an empty HMAC key',
    `${PORTSWIGGER} (kid path traversal)`,
    (c) => signHmac('HS256', header(c, { kid: '../../../../../../dev/null' }), claims(c), ''),
    invalid(ALG),
  ),
  A(
    'kid "x\' UNION SELECT \'secret\' --" with HS256 and secret "secret"',
    'a kid is never put into a query',
    `${PORTSWIGGER} (kid SQL injection)`,
    (c) => signHmac('HS256', header(c, { kid: "x' UNION SELECT 'secret' --" }), claims(c), 'secret'),
    invalid(ALG),
  ),
  A(
    "kid \"' OR '1'='1\" with RS256",
    'a kid is compared as a whole string',
    `${PORTSWIGGER} (kid SQL injection)`,
    (c) => byAttacker(c, { kid: "' OR '1'='1" }),
    invalid(NO_KEY),
  ),
  A(
    'kid "$(id)|id;" (command injection)',
    'a kid is never given to a shell',
    PORTSWIGGER,
    (c) => byAttacker(c, { kid: '$(id)|id;' }),
    invalid(NO_KEY),
  ),
  A(
    'kid "http://127.0.0.1/jwks.json" (a URL)',
    'a kid is never fetched',
    PORTSWIGGER,
    (c) => byAttacker(c, { kid: `${c.attackerUrl}/kid.json` }),
    invalid(NO_KEY),
  ),
  A(
    'kid of 10,000 characters',
    'a huge kid is just an unknown name',
    undefined,
    (c) => byAttacker(c, { kid: 'k'.repeat(10_000) }),
    invalid(NO_KEY),
  ),
  A(
    "kid of the provider's key followed by NUL",
    'no C-string truncation: the whole kid must match',
    undefined,
    (c) => byAttacker(c, { kid: `${c.rsa.kid}\u0000` }),
    invalid(NO_KEY),
  ),
  A('kid as a number', 'kid must be a string', undefined, (c) => byAttacker(c, { kid: 1 }), invalid(KID_TYPE)),
  A('kid null', 'kid must be a string', undefined, (c) => byAttacker(c, { kid: null }), invalid(KID_TYPE)),
  A(
    'kid as an object',
    'kid must be a string',
    undefined,
    (c) => byAttacker(c, { kid: { $ne: '' } }),
    invalid(KID_TYPE),
  ),
  A(
    "kid as an array holding the provider's kid",
    'kid must be a string, not a list a lax lookup might search',
    undefined,
    (c) => byAttacker(c, { kid: [c.rsa.kid] }),
    invalid(KID_TYPE),
  ),
  A(
    'kid of the provider\'s encryption key (use "enc")',
    'an encryption key never verifies a signature',
    BCP,
    (c) => byAttacker(c, { kid: c.encKid }),
    invalid(NO_KEY),
  ),
  A(
    "kid of the provider's ES256 key with alg RS256",
    'the algorithm must fit the key the kid names',
    CONFUSION,
    (c) => byAttacker(c, { kid: c.es.kid }),
    invalid(NO_KEY),
  ),
  A(
    "a token signed by another realm's key, claiming our issuer",
    "another realm's keys are not ours",
    'realm confusion',
    (c) => signJson(c.otherRealm.currentKey, { alg: 'RS256', typ: 'JWT', kid: c.otherRealm.currentKey.kid }, claims(c)),
    invalid(NO_KEY),
  ),

  // the signature: stripped, swapped, truncated, zero
  A(
    'signature stripped (two parts)',
    'a JWS has three parts',
    MCLEAN,
    (c) => partsOf(byProvider(c)).slice(0, 2).join('.'),
    invalid(NOT_COMPACT),
  ),
  A(
    'signature stripped (empty third part)',
    'an empty signature is no signature',
    MCLEAN,
    (c) => `${partsOf(byProvider(c)).slice(0, 2).join('.')}.`,
    invalid(NOT_COMPACT),
  ),
  A(
    'signature swapped from another token of the same key',
    'a signature covers its own header and payload only',
    undefined,
    (c) => withPart(c, 2, () => partsOf(byProvider(c, { sub: 'someone-else' }))[2]),
    invalid(SIG),
  ),
  A(
    "signature swapped from the same claims signed by the provider's ES256 key",
    'the RS256 key did not make it',
    undefined,
    (c) => withPart(c, 2, () => partsOf(signJson(c.es, header(c, { alg: 'ES256', kid: c.es.kid }), claims(c)))[2]),
    invalid(SIG),
  ),
  A(
    'signature truncated by one byte',
    'a shortened signature does not verify',
    undefined,
    (c) => withPart(c, 2, (s) => Buffer.from(s, 'base64url').subarray(0, -1).toString('base64url')),
    invalid(SIG),
  ),
  A(
    'signature truncated to its first 16 bytes',
    'a shortened signature does not verify',
    undefined,
    (c) => withPart(c, 2, (s) => Buffer.from(s, 'base64url').subarray(0, 16).toString('base64url')),
    invalid(SIG),
  ),
  A(
    'signature extended by four bytes',
    'a padded signature does not verify',
    undefined,
    (c) => withPart(c, 2, (s) => `${s}AAAAAA`),
    invalid(SIG),
  ),
  A(
    'signature with one bit flipped',
    'RSA signatures are not malleable bit by bit',
    undefined,
    (c) =>
      withPart(c, 2, (s) => {
        const b = Buffer.from(s, 'base64url');
        b[0] = b[0]! ^ 1;
        return b.toString('base64url');
      }),
    invalid(SIG),
  ),
  A(
    'signature of 256 zero bytes (RS256)',
    'zero is not an RSA signature of anything',
    undefined,
    (c) => withPart(c, 2, () => Buffer.alloc(256).toString('base64url')),
    invalid(SIG),
  ),
  A(
    'signature "AA" (one zero byte)',
    'a signature of the wrong length for the key',
    undefined,
    (c) => withPart(c, 2, () => 'AA'),
    invalid(SIG),
  ),
  A(
    "ES256 with r = s = 0, the provider's ES256 kid",
    'the "psychic signature": zero scalars verify nothing',
    'CVE-2022-21449',
    (c) => unsigned(header(c, { alg: 'ES256', kid: c.es.kid }), claims(c), ecdsaSignature(0n, 0n)),
    invalid(SIG),
  ),
  A(
    "ES256 with r = s = n (the group order), the provider's ES256 kid",
    'r and s must lie in [1, n−1]',
    'CVE-2022-21449 (variant)',
    (c) => unsigned(header(c, { alg: 'ES256', kid: c.es.kid }), claims(c), ecdsaSignature(P256_ORDER, P256_ORDER)),
    invalid(SIG),
  ),
  A(
    "ES256 with r = s = 0 in DER form, the provider's ES256 kid",
    'JWS ECDSA signatures are r‖s, and zero verifies nothing in any form',
    'CVE-2022-21449 (variant)',
    (c) =>
      unsigned(
        header(c, { alg: 'ES256', kid: c.es.kid }),
        claims(c),
        Buffer.from('3006020100020100', 'hex').toString('base64url'),
      ),
    invalid(SIG),
  ),
  A(
    'ES256 with an empty-looking 64-byte signature of 0xff',
    'out-of-range scalars verify nothing',
    'CVE-2022-21449 (variant)',
    (c) =>
      unsigned(header(c, { alg: 'ES256', kid: c.es.kid }), claims(c), Buffer.alloc(64, 0xff).toString('base64url')),
    invalid(SIG),
  ),

  // payload or header altered under a valid signature
  A(
    'payload altered: sub changed, signature kept',
    'the signature covers the payload',
    undefined,
    (c) => withPart(c, 1, () => b64u(JSON.stringify(claims(c, { sub: 'admin' })))),
    invalid(SIG),
  ),
  A(
    'payload altered: realm role admin added, on /api/admin',
    'a forged role must be a 401, never a 200 or a 403',
    undefined,
    (c) => withPart(c, 1, () => b64u(JSON.stringify(claims(c, { realm_access: { roles: ['admin'] } })))),
    invalid(SIG),
    '/api/admin',
  ),
  A(
    'payload altered: scope test_api_access added, on /api/private-scoped',
    'a forged scope must be a 401, never a 200 or a 403',
    undefined,
    (c) => withPart(c, 1, () => b64u(JSON.stringify(claims(c, { scope: 'profile email test_api_access' })))),
    invalid(SIG),
    '/api/private-scoped',
  ),
  A(
    'payload altered: exp pushed a year ahead',
    'a longer life must be signed for',
    undefined,
    (c) => withPart(c, 1, () => b64u(JSON.stringify(claims(c, { exp: nowSeconds() + 31_536_000 })))),
    invalid(SIG),
  ),
  A(
    'payload re-serialized with whitespace (same JSON value)',
    'the signature covers the bytes as sent, not their meaning',
    undefined,
    (c) => withPart(c, 1, () => b64u(JSON.stringify(claims(c), null, 1))),
    invalid(SIG),
  ),
  A(
    'header altered: alg RS256 → PS256 under the RS256 signature',
    'the JWK says RS256: a PS256 token finds no key',
    CONFUSION,
    (c) => withPart(c, 0, () => b64u(JSON.stringify(header(c, { alg: 'PS256' })))),
    invalid(NO_KEY),
  ),
  A(
    'header altered: typ dropped, signature kept',
    'the signature covers the header too',
    undefined,
    (c) => withPart(c, 0, () => b64u(JSON.stringify(header(c, { typ: undefined })))),
    invalid(SIG),
  ),

  // time claims: wrong, or of the wrong type (signed by the provider, so only the claim can fail)
  A(
    'exp one hour past',
    'RFC 7519 §4.1.4: expired',
    undefined,
    (c) => byProvider(c, { exp: nowSeconds() - 3600 }),
    invalid('token has expired'),
  ),
  A('exp 0 (the epoch)', 'expired', undefined, (c) => byProvider(c, { exp: 0 }), invalid('token has expired')),
  A('exp negative', 'expired', undefined, (c) => byProvider(c, { exp: -1 }), invalid('token has expired')),
  A(
    'nbf one hour ahead',
    'not valid yet',
    undefined,
    (c) => byProvider(c, { nbf: nowSeconds() + 3600 }),
    invalid('token is not valid yet ("nbf" is in the future)'),
  ),
  A(
    'iat one hour ahead',
    'issued in the future',
    undefined,
    (c) => byProvider(c, { iat: nowSeconds() + 3600 }),
    invalid('token was issued in the future ("iat")'),
  ),
  ...(['exp', 'nbf', 'iat'] as const).flatMap((claim) => [
    A(
      `${claim} null`,
      'a NumericDate is a number (RFC 7519 §2)',
      BCP,
      (c) => byProvider(c, { [claim]: null }),
      invalid(mustBeNumber(claim)),
    ),
    A(
      `${claim} true`,
      'a NumericDate is a number',
      BCP,
      (c) => byProvider(c, { [claim]: true }),
      invalid(mustBeNumber(claim)),
    ),
    A(
      `${claim} as a numeric string`,
      'a NumericDate is a number, not text that looks like one',
      BCP,
      (c) => byProvider(c, { [claim]: String(nowSeconds() + 300) }),
      invalid(mustBeNumber(claim)),
    ),
    A(
      `${claim} as an array of one number`,
      'a NumericDate is a number, not a list',
      BCP,
      (c) => byProvider(c, { [claim]: [nowSeconds() + 300] }),
      invalid(mustBeNumber(claim)),
    ),
    A(
      `${claim} as an object`,
      'a NumericDate is a number',
      BCP,
      (c) => byProvider(c, { [claim]: { valueOf: nowSeconds() + 300 } }),
      invalid(mustBeNumber(claim)),
    ),
    A(
      `${claim} 1e400 (JSON.parse makes it Infinity)`,
      'Infinity is no date: "never expires" must not be writable',
      undefined,
      (c) => byProviderRaw(c, claim, '1e400'),
      invalid(mustBeNumber(claim)),
    ),
    A(
      `${claim} -1e400 (JSON.parse makes it -Infinity)`,
      '-Infinity is no date',
      undefined,
      (c) => byProviderRaw(c, claim, '-1e400'),
      invalid(mustBeNumber(claim)),
    ),
  ]),
  A(
    'exp missing',
    'RFC 8725 §3.10 and the contract: exp is required',
    BCP,
    (c) => byProvider(c, { exp: undefined }),
    invalid('token has no "exp" claim'),
  ),

  // issuer: wrong, missing, look-alike
  A(
    'iss of another realm on the same host',
    'each realm is its own issuer',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: c.idp.issuer.replace('/realms/myorg', '/realms/other') }),
    invalid(ISS),
  ),
  A(
    'iss with a trailing slash',
    'issuers compare as exact strings (OIDC Core §3.1.3.7)',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: `${c.idp.issuer}/` }),
    invalid(ISS_SLASH),
  ),
  A(
    'iss with the realm in another case (MYORG)',
    'exact strings: case matters',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: c.idp.issuer.replace('myorg', 'MYORG') }),
    invalid(ISS),
  ),
  A(
    'iss with the scheme in upper case (HTTP://)',
    'exact strings, no URL normalization',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: c.idp.issuer.replace('http://', 'HTTP://') }),
    invalid(ISS),
  ),
  A(
    'iss on localhost instead of 127.0.0.1',
    'same machine, another issuer string',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: c.idp.issuer.replace('127.0.0.1', 'localhost') }),
    invalid(ISS),
  ),
  A(
    'iss with a dot segment (/realms/other/../myorg)',
    'no path normalization',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: c.idp.issuer.replace('/realms/myorg', '/realms/other/../myorg') }),
    invalid(ISS),
  ),
  A(
    'iss percent-encoded (/realms/my%6Frg)',
    'no percent-decoding',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: c.idp.issuer.replace('myorg', 'my%6Frg') }),
    invalid(ISS),
  ),
  A(
    'iss with a query and a fragment appended',
    'exact strings',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: `${c.idp.issuer}?#` }),
    invalid(ISS),
  ),
  A(
    'iss with surrounding spaces',
    'no trimming',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: ` ${c.idp.issuer} ` }),
    invalid(ISS),
  ),
  A(
    'iss followed by NUL',
    'no C-string truncation',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: `${c.idp.issuer}\u0000` }),
    invalid(ISS),
  ),
  A(
    'iss as an array holding ours',
    'iss is a single string',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: [c.idp.issuer] }),
    invalid(ISS),
  ),
  A(
    'iss as an object',
    'iss is a string',
    `${BCP} §3.8`,
    (c) => byProvider(c, { iss: { href: c.idp.issuer } }),
    invalid(ISS),
  ),
  A('iss null', 'iss is a string', `${BCP} §3.8`, (c) => byProvider(c, { iss: null }), invalid(ISS)),
  A('iss missing', 'a token names its issuer', `${BCP} §3.8`, (c) => byProvider(c, { iss: undefined }), invalid(ISS)),
  A(
    "a token minted by another realm's provider",
    "another realm's tokens are not ours",
    'realm confusion',
    (c) => c.otherRealm.mint(),
    invalid(ISS),
  ),

  // audience
  A(
    'aud of another API ("account")',
    'RFC 7519 §4.1.3: the token was issued for someone else',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: 'account' }),
    invalid(AUD_WRONG),
  ),
  A(
    'aud missing',
    'a token for no audience is not for us',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: undefined }),
    invalid(AUD_MISSING),
  ),
  A(
    'aud array without ours',
    'none of its audiences is us',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: ['account', 'other-api'] }),
    invalid(AUD_WRONG),
  ),
  A(
    'aud empty array',
    'an empty list names no one',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: [] }),
    invalid(AUD_WRONG),
  ),
  A(
    'aud in another case ("TEST-API")',
    'audiences compare as exact strings',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: 'TEST-API' }),
    invalid(AUD_WRONG),
  ),
  A(
    'aud with a trailing space',
    'no trimming',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: 'test-api ' }),
    invalid(AUD_WRONG),
  ),
  A(
    'aud "test-api account" (one string, two names)',
    'aud is not space-delimited',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: 'test-api account' }),
    invalid(AUD_WRONG),
  ),
  A(
    'aud as a prefix of ours ("test-api-other")',
    'no prefix match',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: 'test-api-other' }),
    invalid(AUD_WRONG),
  ),
  A(
    'aud nested ([["test-api"]])',
    'an array of strings, not of arrays',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: [['test-api']] }),
    invalid(AUD_TYPE),
  ),
  A(
    'aud holding ours and a number',
    'every member must be a string',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: ['test-api', 1] }),
    invalid(AUD_TYPE),
  ),
  A(
    'aud as an object {"0": "test-api"}',
    'an array-like object is not an array',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: { 0: 'test-api', length: 1 } }),
    invalid(AUD_TYPE),
  ),
  A(
    'aud null',
    'aud is a string or an array of strings',
    `${BCP} §3.9`,
    (c) => byProvider(c, { aud: null }),
    invalid(AUD_TYPE),
  ),

  // ID and refresh tokens, and other JWTs that are not access tokens
  A(
    'a Keycloak ID token (typ ID, aud the client, nonce, at_hash)',
    'an ID token authenticates a user to a client, it authorizes nothing here',
    `${BCP} §2.8 (cross-JWT confusion)`,
    (c) => byProvider(c, { typ: 'ID', aud: 'test_api_client', nonce: 'n-0S6_WzA2Mj', at_hash: 'x', scope: undefined }),
    invalid('token is an ID token ("typ" claim is not Bearer); send an access token'),
  ),
  A(
    'a Keycloak refresh token (typ Refresh, aud the issuer)',
    'a refresh token is for the token endpoint only',
    `${BCP} §2.8`,
    (c) => byProvider(c, { typ: 'Refresh', aud: c.idp.issuer }),
    invalid('token is a refresh token ("typ" claim is not Bearer); send an access token'),
  ),
  A(
    'a Keycloak refresh token with our audience',
    'even with our aud, a refresh token is not an access token',
    `${BCP} §2.8`,
    (c) => byProvider(c, { typ: 'Refresh' }),
    invalid('token is a refresh token ("typ" claim is not Bearer); send an access token'),
  ),
  A(
    'a Keycloak offline token (typ Offline)',
    'not an access token',
    `${BCP} §2.8`,
    (c) => byProvider(c, { typ: 'Offline' }),
    invalid(NOT_ACCESS),
  ),
  A(
    'Keycloak typ "bearer" (lower case)',
    'Keycloak writes exactly "Bearer"',
    `${BCP} §2.8`,
    (c) => byProvider(c, { typ: 'bearer' }),
    invalid(NOT_ACCESS),
  ),
  A(
    'Keycloak typ ["Bearer"] (an array)',
    'typ is a string',
    `${BCP} §2.8`,
    (c) => byProvider(c, { typ: ['Bearer'] }),
    invalid(NOT_ACCESS),
  ),
  A(
    'Keycloak typ null',
    'typ, when present, is "Bearer"',
    `${BCP} §2.8`,
    (c) => byProvider(c, { typ: null }),
    invalid(NOT_ACCESS),
  ),
  A(
    'header typ "secevent+jwt" (a security event token)',
    'explicit typing tells JWT kinds apart',
    `${BCP} §3.11`,
    (c) => byProvider(c, {}, { typ: 'secevent+jwt' }),
    invalid(HEADER_TYP),
  ),
  A(
    'header typ "JWE"',
    'not an access token type',
    `${BCP} §3.11`,
    (c) => byProvider(c, {}, { typ: 'JWE' }),
    invalid(HEADER_TYP),
  ),
  A(
    'header typ ["JWT"] (an array)',
    'typ is a string',
    `${BCP} §3.11`,
    (c) => byProvider(c, {}, { typ: ['JWT'] }),
    invalid(HEADER_TYP),
  ),

  // crit
  A(
    'crit ["exp"] (a registered name)',
    'RFC 7515 §4.1.11: crit lists extensions that MUST be understood; this server understands none',
    'RFC 7515 §4.1.11',
    (c) => byProvider(c, {}, { crit: ['exp'] }),
    invalid(CRIT),
  ),
  A(
    'crit [] (empty)',
    'RFC 7515 §4.1.11: an empty crit is itself invalid',
    'RFC 7515 §4.1.11',
    (c) => byProvider(c, {}, { crit: [] }),
    invalid(CRIT),
  ),
  A(
    'crit ["b64"] with b64 false (unencoded payload)',
    'a verifier that ignored it would read the payload differently from the signer',
    'RFC 7797',
    (c) => byProvider(c, {}, { crit: ['b64'], b64: false }),
    invalid(CRIT),
  ),
  A(
    'crit "b64" (a string, not a list)',
    'a crit of any shape is refused',
    'RFC 7515 §4.1.11',
    (c) => byProvider(c, {}, { crit: 'b64' }),
    invalid(CRIT),
  ),
  A(
    'crit naming an unknown extension, attacker-signed',
    'refused before any key is fetched',
    'RFC 7515 §4.1.11',
    (c) => byAttacker(c, { crit: ['urn:attacker:trust-me'], 'urn:attacker:trust-me': true }),
    invalid(CRIT),
  ),

  // JWE and other shapes that are not a compact JWS
  A(
    'a compact JWE (five parts)',
    'an encrypted token is not a signed one',
    `${BCP} §2.7`,
    (c) => `${b64u(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: c.encKid }))}.a2V5.aXY.Y2lwaGVydGV4dA.dGFn`,
    invalid(NOT_COMPACT),
  ),
  A(
    'a JWE header (alg RSA-OAEP, enc A256GCM) in three parts, kid of the encryption key',
    'a key-management algorithm is not a signature algorithm',
    `${BCP} §2.7`,
    (c) => unsigned({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: c.encKid }, claims(c)),
    invalid(ALG),
  ),
  A(
    'a JWE header (alg dir) in three parts',
    '"dir" is not a signature algorithm',
    `${BCP} §2.7`,
    (c) => unsigned({ alg: 'dir', enc: 'A256GCM' }, claims(c)),
    invalid(ALG),
  ),
  A('four parts', 'a compact JWS has exactly three', undefined, (c) => `${byProvider(c)}.c2ln`, invalid(NOT_COMPACT)),
  A(
    'a JWS in JSON serialization (general)',
    'only the compact form is a bearer token',
    'RFC 7515 §7.2',
    (c) => {
      const [h, p, s] = partsOf(byProvider(c));
      return JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] });
    },
    invalid(NOT_COMPACT),
  ),
  A(
    'a JWS in flattened JSON serialization, base64url-encoded as one part',
    'one part is not three',
    'RFC 7515 §7.2',
    (c) => {
      const [h, p, s] = partsOf(byProvider(c));
      return b64u(JSON.stringify({ protected: h, payload: p, signature: s }));
    },
    invalid(NOT_COMPACT),
  ),
  A(
    "a nested JWT (cty JWT) whose payload is the provider's own token",
    'the payload of an access token is a claims object, not another token',
    'RFC 7519 §5.2',
    (c) => signText(c.rsa, JSON.stringify(header(c, { cty: 'JWT' })), JSON.stringify(byProvider(c))),
    invalid(notObject('payload')),
  ),
  A(
    'a PASETO (v4.public.…)',
    'three dot-separated parts, but no base64url JSON header',
    undefined,
    () => `v4.public.${b64u('{"sub":"admin"}')}`,
    invalid('token header is not valid base64url'),
  ),
  A(
    'an opaque reference token (a UUID)',
    'not a JWS at all',
    undefined,
    () => '2f8e1bd2-7a6b-4e4b-9a1c-0d7e5e0c9f31',
    invalid(NOT_COMPACT),
  ),
  A(
    'parts joined by U+2024 ONE DOT LEADER',
    'a look-alike dot is no separator',
    undefined,
    (c) => partsOf(byProvider(c)).join('\u2024'),
    invalid(NOT_COMPACT),
  ),
  A(
    'base64 (+ and /) instead of base64url',
    'base64url only (RFC 7515 §2)',
    undefined,
    (c) =>
      withPart(c, 1, (p) =>
        Buffer.from(p, 'base64url')
          .toString('base64')
          .replace(/=+$/, '')
          .replace(/[A-Za-z0-9]$/, '+'),
      ),
    invalid(NOT_COMPACT),
  ),
  A(
    'base64url with padding on the header',
    'no padding (RFC 7515 §2)',
    undefined,
    (c) => withPart(c, 0, (h) => `${h}==`),
    invalid(NOT_COMPACT),
  ),
  A(
    'a token wrapped in quotes',
    'quotes are stray characters',
    undefined,
    (c) => `"${byProvider(c)}"`,
    invalid(NOT_COMPACT),
  ),
  A(
    'a token followed by ", Bearer <token>" (two credentials in one header)',
    'the header carries one token',
    undefined,
    (c) => `${byProvider(c)}, Bearer ${byProvider(c)}`,
    invalid(NOT_COMPACT),
  ),

  // broken base64 and JSON
  A(
    'header of 4k+1 base64url characters',
    'no byte string has that length',
    undefined,
    (c) => withPart(c, 0, (h) => `${h}${'A'.repeat((4 - ((h.length - 1) % 4)) % 4)}`),
    invalid(notB64('header')),
  ),
  A(
    'payload of 4k+1 base64url characters',
    'no byte string has that length',
    undefined,
    (c) => withPart(c, 1, (p) => `${p}${'A'.repeat((4 - ((p.length - 1) % 4)) % 4)}`),
    invalid(notB64('payload')),
  ),
  A(
    'header JSON with trailing garbage',
    'the header is one JSON object and nothing else',
    undefined,
    (c) => unsigned(`${JSON.stringify(header(c))}x`, claims(c)),
    invalid(notJson('header')),
  ),
  A(
    'header JSON preceded by a byte-order mark',
    'JSON text has no BOM (RFC 8259 §8.1)',
    undefined,
    (c) => unsigned(`\ufeff${JSON.stringify(header(c))}`, claims(c)),
    invalid(notJson('header')),
  ),
  A(
    'header as invalid UTF-8 (0xff bytes)',
    'not JSON',
    undefined,
    (c) => `${Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url')}.${b64u(JSON.stringify(claims(c)))}.c2ln`,
    invalid(notJson('header')),
  ),
  A(
    'header with a JavaScript comment',
    'JSON has no comments',
    undefined,
    (c) => unsigned(`{/*x*/"alg":"RS256","kid":"${c.rsa.kid}"}`, claims(c)),
    invalid(notJson('header')),
  ),
  A(
    'header JSON null',
    'the header is a JSON object',
    undefined,
    (c) => unsigned('null', claims(c)),
    invalid(notObject('header')),
  ),
  A(
    'header JSON "RS256" (a string)',
    'the header is a JSON object',
    undefined,
    (c) => unsigned('"RS256"', claims(c)),
    invalid(notObject('header')),
  ),
  A(
    'payload with single-quoted strings',
    'not JSON',
    undefined,
    (c) => unsigned(header(c), "{'sub':'admin'}"),
    invalid(notJson('payload')),
  ),
  A(
    'payload JSON [] (an array)',
    'the payload is a claims object',
    undefined,
    (c) => unsigned(header(c), '[]'),
    invalid(notObject('payload')),
  ),
  A(
    'payload JSON 1 (a number)',
    'the payload is a claims object',
    undefined,
    (c) => unsigned(header(c), '1'),
    invalid(notObject('payload')),
  ),
  A(
    'payload JSON true, signed by the provider',
    'the payload is a claims object even when the signature is good',
    undefined,
    (c) => signText(c.rsa, JSON.stringify(header(c)), 'true'),
    invalid(notObject('payload')),
  ),
  A(
    'empty payload',
    'zero bytes are not JSON',
    undefined,
    (c) => `${b64u(JSON.stringify(header(c)))}..c2ln`,
    invalid(NOT_COMPACT),
  ),
  A(
    'header nested 4,000 arrays deep',
    'deep nesting is parsed without a crash and still has no alg',
    'JSON nesting DoS',
    (c) => unsigned(`{"x":${deep(4000)},"kid":"${c.rsa.kid}"}`, claims(c)),
    invalid(ALG),
  ),

  // scope and roles of the wrong type or spelling (signed by the provider)
  A(
    'scope as a number, on /api/private',
    'scope is a space-delimited string (RFC 8693 §4.2)',
    'RFC 9068 §2.2.3',
    (c) => byProvider(c, { scope: 123 }),
    invalid(SCOPE_TYPE),
  ),
  A(
    'scope as an object {"test_api_access": true}',
    'an object grants nothing',
    'RFC 9068 §2.2.3',
    (c) => byProvider(c, { scope: { test_api_access: true } }),
    invalid(SCOPE_TYPE),
    '/api/private-scoped',
  ),
  A(
    'scope true',
    'a boolean grants nothing',
    'RFC 9068 §2.2.3',
    (c) => byProvider(c, { scope: true }),
    invalid(SCOPE_TYPE),
    '/api/private-scoped',
  ),
  A(
    'scope as an array holding ours and a number',
    'every member must be a string',
    'RFC 9068 §2.2.3',
    (c) => byProvider(c, { scope: ['test_api_access', 1] }),
    invalid(SCOPE_TYPE),
    '/api/private-scoped',
  ),
  A(
    'scope "test_api_access_extra" (ours as a prefix)',
    'scopes compare as whole words',
    undefined,
    (c) => byProvider(c, { scope: 'profile test_api_access_extra' }),
    scopeMissing,
    '/api/private-scoped',
  ),
  A(
    'scope "TEST_API_ACCESS" (another case)',
    'scope names are case-sensitive',
    undefined,
    (c) => byProvider(c, { scope: 'TEST_API_ACCESS' }),
    scopeMissing,
    '/api/private-scoped',
  ),
  A(
    'scope "profile\\ttest_api_access" (tab-separated)',
    'only the space separates scopes (RFC 6749 §3.3)',
    undefined,
    (c) => byProvider(c, { scope: 'profile\ttest_api_access' }),
    scopeMissing,
    '/api/private-scoped',
  ),
  A(
    'scope "profile,test_api_access" (comma-separated)',
    'only the space separates scopes',
    undefined,
    (c) => byProvider(c, { scope: 'profile,test_api_access' }),
    scopeMissing,
    '/api/private-scoped',
  ),
  A(
    'scope "" with scp "test_api_access"',
    'a present scope claim is the scope: scp does not add to it',
    undefined,
    (c) => byProvider(c, { scope: '', scp: 'test_api_access' }),
    scopeMissing,
    '/api/private-scoped',
  ),
  A(
    'realm_access.roles "admin" (a string, not a list)',
    'roles are a list of strings; any other shape is a malformed token, refused rather than read as no roles',
    undefined,
    (c) => byProvider(c, { realm_access: { roles: 'admin' } }),
    invalid(REALM_ROLES_SHAPE),
    '/api/admin',
  ),
  A(
    'realm_access ["admin"] (a list, not an object)',
    'roles live in realm_access.roles: a list in its place is malformed',
    undefined,
    (c) => byProvider(c, { realm_access: ['admin'] }),
    invalid(REALM_ROLES_SHAPE),
    '/api/admin',
  ),
  A(
    'realm_access.roles [["admin"]] (nested)',
    'a nested list is not a list of role names',
    undefined,
    (c) => byProvider(c, { realm_access: { roles: [['admin']] } }),
    invalid(REALM_ROLES_SHAPE),
    '/api/admin',
  ),
  A(
    'role admin only as a client role of "realm-management"',
    'a client role is not a realm role',
    undefined,
    (c) => byProvider(c, { resource_access: { 'realm-management': { roles: ['admin'] } } }),
    roleMissing,
    '/api/admin',
  ),

  // claims of the wrong JSON type (signed by the provider): RFC 7519 makes them strings, handlers read them so
  ...(
    [
      ['sub', 1, 'a number where a subject string belongs'],
      ['sub', { $ne: null }, 'a query operator that a database behind the API might obey'],
      ['jti', true, 'a boolean where a unique id belongs'],
      ['client_id', ['x'], 'a list where one client id belongs'],
      ['azp', 5, 'a number where the authorized party belongs'],
    ] as const
  ).map(([claim, value, what]) =>
    A(
      `${claim}: ${JSON.stringify(value)} (${what})`,
      `"${claim}" is a string (RFC 7519 §4.1, RFC 9068 §2.2); another type must never reach req.auth.payload`,
      'RFC 7519 §4.1.2, §4.1.7',
      (c) => byProvider(c, { [claim]: value }),
      invalid(mustBeString(claim)),
      '/api/me',
    ),
  ),

  // sender-constrained tokens presented as plain Bearer tokens (signed by the provider)
  A(
    'cnf.jkt (a DPoP-bound token) sent as Bearer',
    'a stolen DPoP token must not work without its key: it passes only as DPoP, with a proof',
    'RFC 9449 §6, §7.1',
    (c) => byProvider(c, { cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }),
    invalid(DPOP_BOUND_AS_BEARER),
    '/api/me',
  ),
  A(
    'cnf["x5t#S256"] (a certificate-bound token) sent as Bearer',
    'a stolen mTLS-bound token must not work without its certificate (none on a plain HTTP connection)',
    'RFC 8705 §3',
    (c) => byProvider(c, { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } }),
    invalid(CERTIFICATE_MISSING),
    '/api/me',
  ),
];
