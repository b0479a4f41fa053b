import { ASYMMETRIC_ALGORITHMS, isAlgorithm, type Algorithm } from '../jws/algorithms.js';
import { assertPositive } from '../options.js';
import { refuseUnknownKeys, type OptionKeys } from '../../shared/option-keys.js';
import { MemoryReplayStore, type ReplayStore } from './replay.js';
import { NonceIssuer } from './nonce.js';

/**
 * How a guard treats a sender-constrained scheme: `allowed` (Bearer and the bound form both pass; a bound token
 * must come with its binding), `required` (only bound tokens with their binding pass), `off` (bound tokens are
 * refused, as a guard that cannot check their binding must).
 */
export type SenderConstraintMode = 'allowed' | 'required' | 'off';

/** Server nonces (RFC 9449 §9): proofs must carry a nonce this server (or one sharing its secret) issued. */
export interface DpopNonceOptions {
  /** Shared by every instance behind one load balancer, so each accepts the others' nonces. Default: random. */
  readonly secret?: string | Uint8Array;
  /** Seconds one nonce window lasts; a nonce is accepted for one to two windows. Default 300. */
  readonly lifetime?: number;
}

/** DPoP (RFC 9449): tokens bound to a key that the client proves it holds on every request. */
export interface DpopOptions {
  /** Default `allowed`; a guard made by `requireDPoP` requires it whatever this says. */
  readonly mode?: SenderConstraintMode;
  /**
   * The API's public origin as clients address it (`https://api.example.com`): a proof's `htu` must be this and
   * the request's path. Configured, never taken from a `Host` header that a client chooses.
   */
  readonly origin: string;
  /** Proof algorithms accepted (and offered in challenges). Default: every asymmetric one. */
  readonly algorithms?: readonly Algorithm[];
  /** Seconds a proof's `iat` may be away from now. Default 60. */
  readonly proofLifetime?: number;
  /** Where seen proof ids are kept. Default: this process's memory; share one (Redis) across instances. */
  readonly replay?: ReplayStore;
  /** Demand server nonces. Default: none. */
  readonly nonce?: DpopNonceOptions | boolean;
}

/** mTLS-bound tokens (RFC 8705 §3): tokens bound to the client's TLS certificate. */
export interface MtlsOptions {
  /** Default `allowed`. */
  readonly mode?: SenderConstraintMode;
  /**
   * Read the client certificate from this request header (PEM, URL-encoded PEM, base64 DER, or Envoy's
   * `x-forwarded-client-cert` with its `Cert="…"`), set by a TLS-terminating proxy you trust to overwrite it.
   * Default: the certificate of the request's own TLS connection.
   */
  readonly certificateHeader?: string;
}

export const DPOP_OPTION_KEYS = {
  mode: true,
  origin: true,
  algorithms: true,
  proofLifetime: true,
  replay: true,
  nonce: true,
} as const satisfies OptionKeys<DpopOptions>;
const NONCE_OPTION_KEYS = { secret: true, lifetime: true } as const satisfies OptionKeys<DpopNonceOptions>;
export const MTLS_OPTION_KEYS = { mode: true, certificateHeader: true } as const satisfies OptionKeys<MtlsOptions>;

/** {@link DpopOptions} checked, with defaults. */
export interface ResolvedDpop {
  readonly mode: SenderConstraintMode;
  readonly origin: string;
  readonly algorithms: ReadonlySet<string>;
  readonly proofLifetime: number;
  readonly replay: ReplayStore;
  readonly nonces: NonceIssuer | undefined;
}

/** {@link MtlsOptions} checked, with defaults. */
export interface ResolvedMtls {
  readonly mode: SenderConstraintMode;
  readonly certificateHeader: string | undefined;
}

function mode(value: unknown, name: string): SenderConstraintMode {
  if (value === undefined) return 'allowed';
  if (value !== 'allowed' && value !== 'required' && value !== 'off')
    throw new TypeError(`"${name}" must be "allowed", "required" or "off"`);
  return value;
}

/** An origin alone: `scheme://host[:port]`, no path, query or trailing slash. */
function origin(value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value)
    throw new TypeError('"dpop.origin" must be an http(s) origin such as "https://api.example.com" (no path)');
  return url.origin;
}

function nonces(value: DpopOptions['nonce'], now: () => number): NonceIssuer | undefined {
  if (value === undefined || value === false) return undefined;
  const options = value === true ? {} : value;
  if (typeof options !== 'object' || options === null) throw new TypeError('"dpop.nonce" must be true or an object');
  refuseUnknownKeys(options, NONCE_OPTION_KEYS, 'dpop.nonce');
  const lifetime = options.lifetime ?? 300;
  assertPositive(lifetime, 'dpop.nonce.lifetime');
  const { secret } = options;
  if (secret !== undefined && !(typeof secret === 'string' || secret instanceof Uint8Array))
    throw new TypeError('"dpop.nonce.secret" must be a string or bytes');
  if (secret !== undefined && secret.length < 16)
    throw new TypeError('"dpop.nonce.secret" must be at least 16 characters or bytes long');
  return new NonceIssuer(secret, lifetime * 1000, now);
}

/** Checks the `dpop` option once, at start-up. */
export function resolveDpop(value: DpopOptions | undefined, now: () => number): ResolvedDpop | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new TypeError('"dpop" must be an object');
  refuseUnknownKeys(value, DPOP_OPTION_KEYS, 'dpop');
  const algorithms = value.algorithms ?? ASYMMETRIC_ALGORITHMS;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every(isAlgorithm))
    throw new TypeError(`"dpop.algorithms" must be a non-empty array of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
  const proofLifetime = value.proofLifetime ?? 60;
  assertPositive(proofLifetime, 'dpop.proofLifetime');
  const replay = value.replay ?? new MemoryReplayStore({ now });
  if (typeof (replay as Partial<ReplayStore>).claim !== 'function')
    throw new TypeError('"dpop.replay" must have a claim(id, ttlSeconds) method');
  return Object.freeze({
    mode: mode(value.mode, 'dpop.mode'),
    origin: origin(value.origin),
    algorithms: new Set<string>(algorithms),
    proofLifetime,
    replay,
    nonces: nonces(value.nonce, now),
  });
}

/** Checks the `mtls` option once, at start-up. Without it, bound tokens are checked against the TLS connection. */
export function resolveMtls(value: MtlsOptions | undefined): ResolvedMtls {
  if (value === undefined) return { mode: 'allowed', certificateHeader: undefined };
  if (typeof value !== 'object' || value === null) throw new TypeError('"mtls" must be an object');
  refuseUnknownKeys(value, MTLS_OPTION_KEYS, 'mtls');
  const header = value.certificateHeader;
  if (header !== undefined && (typeof header !== 'string' || !/^[A-Za-z0-9-]+$/.test(header)))
    throw new TypeError('"mtls.certificateHeader" must be a header name');
  return { mode: mode(value.mode, 'mtls.mode'), certificateHeader: header?.toLowerCase() };
}
