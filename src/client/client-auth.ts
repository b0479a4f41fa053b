/**
 * Client authentication at the token endpoint, as strategy values: each factory validates its input once and
 * returns a {@link ClientAuth} function that edits the request body and headers.
 */
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import { secretBasic, secretPost, signedAssertion, type ClientAuth } from '../shared/client-auth.js';
import { assertNonEmptyString } from './options.js';
import { signingAlgFor, toPrivateKeyObject } from './signing-alg.js';
import type { PrivateKeyInput } from './signing-alg.js';

// The strategy type is shared with the guard's introspection, which accepts these strategies as they are.
export type { ClientAuth, ClientAuthContext } from '../shared/client-auth.js';

/** Options of {@link privateKeyJwt}. */
export interface PrivateKeyJwtOptions {
  /** The JWS algorithm; by default the JWK's `alg`, else RS256 for RSA, ES256/ES384/ES512 by curve, EdDSA for Ed25519. */
  readonly alg?: string;
  /** The `kid` header, naming the key in the client's registered JWKS; by default the JWK's own `kid`. */
  readonly kid?: string;
  /** Lifetime of each assertion in seconds (default 60). */
  readonly lifetimeSeconds?: number;
}

const PRIVATE_KEY_JWT_OPTION_KEYS = {
  alg: true,
  kid: true,
  lifetimeSeconds: true,
} as const satisfies OptionKeys<PrivateKeyJwtOptions>;

/**
 * `client_secret_basic` (the default of RFC 6749 §2.3.1 and of Keycloak's "Client secret"):
 * HTTP Basic with the form-encoded client id and secret.
 *
 * @example
 * const auth = clientSecretBasic(await readFile('secret.txt', 'utf8'))
 */
export function clientSecretBasic(secret: string): ClientAuth {
  assertNonEmptyString('secret', secret);
  return secretBasic(secret);
}

/**
 * `client_secret_post`: the client id and secret as `client_id` and `client_secret` form parameters.
 *
 * @example
 * const auth = clientSecretPost(secret)
 */
export function clientSecretPost(secret: string): ClientAuth {
  assertNonEmptyString('secret', secret);
  return secretPost(secret);
}

/**
 * `private_key_jwt` (RFC 7523 §2.2; Keycloak's "Signed JWT"): a short-lived JWT signed with the client's own
 * private key, whose `iss` and `sub` are the client id and whose `aud` is the issuer identifier.
 *
 * OpenID Connect Core §9 (errata set 2): "The Audience value MUST be the OP's Issuer Identifier passed as a
 * string, and not a single-element array." Keycloak 26.2+ accepts the issuer or the token endpoint as the
 * single audience; the token endpoint is used only when the issuer is unknown.
 *
 * @example
 * const auth = privateKeyJwt(createPrivateKey(pem), { kid: 'client-key-1' })
 */
export function privateKeyJwt(key: PrivateKeyInput, options: PrivateKeyJwtOptions = {}): ClientAuth {
  refuseUnknownKeys(options, PRIVATE_KEY_JWT_OPTION_KEYS, '');
  const keyObject = toPrivateKeyObject(key);
  const jwk = key as { kid?: unknown; alg?: unknown };
  const alg = signingAlgFor(keyObject, options.alg ?? (typeof jwk.alg === 'string' ? jwk.alg : undefined));
  const kid = options.kid ?? (typeof jwk.kid === 'string' ? jwk.kid : undefined);
  if (kid !== undefined) assertNonEmptyString('kid', kid);
  const lifetime = options.lifetimeSeconds ?? 60;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 600) {
    throw new TypeError('"lifetimeSeconds" must be an integer from 1 to 600');
  }
  return signedAssertion({ key: keyObject, alg, kid, lifetimeSeconds: lifetime });
}
