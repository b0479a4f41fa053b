/** The asymmetric JWS algorithms a resource server may accept. Never `none`, never HMAC (HS*). */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** One of {@link ASYMMETRIC_ALGORITHMS}. */
export type Algorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

const KNOWN: ReadonlySet<string> = new Set(ASYMMETRIC_ALGORITHMS);

/** True when `alg` is an asymmetric algorithm this library can verify. */
export function isAlgorithm(alg: unknown): alg is Algorithm {
  return typeof alg === 'string' && KNOWN.has(alg);
}
