import type { ChallengeContext } from '../bearer/challenge.js';
import type { TokenCheck } from '../claims/requirements.js';
import { createSenderConstraints } from '../dpop/binding.js';
import { isDpopAuthorization, type SenderRequest } from '../dpop/extract.js';
import { resolveDpop, resolveMtls, type DpopOptions, type MtlsOptions } from '../dpop/options.js';
import { AuthError, InvalidTokenError, MissingCredentialsError } from '../errors.js';
import { createIntrospector, type LocalVerification } from '../introspection/introspect.js';
import type { IntrospectionOptions } from '../introspection/options.js';
import type { KeySetStatus } from '../jwks/remote.js';
import { AUTH_OPTION_KEYS, resolveOptions, type AuthOptions } from '../options.js';
import { MemoryRevocationStore, revocationId, type RevocationStore } from '../revocation/store.js';
import type { VerifiedToken } from '../jwt/verified-token.js';
import { createTokenVerifier } from '../jwt/verify.js';
import { refuseUnknownKeys, type OptionKeys } from '../../shared/option-keys.js';
import { then, type Outcome } from './outcome.js';
import { createRevocationCheck } from '../revocation/check.js';
import type { ProviderEndpoints } from '../openapi/generate.js';
import { providerEndpoints } from '../openapi/provider.js';
import { observeDecision, trustedIssuerOf } from './observe.js';
import {
  createResourceMetadata,
  type MetadataSources,
  type ProtectedResourceOptions,
  type ResourceMetadata,
} from '../resource/metadata.js';
import { resourceMetadataUrl } from '../../shared/resource-metadata-url.js';

/** Options of the admission pipeline: verification, revocation and introspection. No framework in sight. */
export interface AdmissionOptions extends AuthOptions {
  /** Where revocations are kept. Default: this process's memory. */
  readonly revocations?: RevocationStore;
  /** Confirm tokens with the provider's introspection endpoint (RFC 7662), on every route or on chosen ones. Off by default. */
  readonly introspection?: IntrospectionOptions;
  /** Accept DPoP-bound tokens with their proofs (RFC 9449). Off unless given: proofs are checked against `origin`. */
  readonly dpop?: DpopOptions;
  /** How certificate-bound tokens (RFC 8705) are checked. Default: against the request's TLS client certificate. */
  readonly mtls?: MtlsOptions;
}

const ADMISSION_OPTION_KEYS = {
  ...AUTH_OPTION_KEYS,
  revocations: true,
  introspection: true,
  dpop: true,
  mtls: true,
} as const satisfies OptionKeys<AdmissionOptions>;

/** Options of {@link AuthControl.verify}. */
export interface VerifyOptions {
  /** Confirm the token by introspection. Default: `introspection.everyRoute` (false without `introspection`). */
  readonly introspect?: boolean;
}

const VERIFY_OPTION_KEYS = { introspect: true } as const satisfies OptionKeys<VerifyOptions>;

/** What one guard demands of a request. */
export interface GatePolicy {
  /** Checks on the verified token (scopes, roles, claims), in order. */
  readonly checks: readonly TokenCheck[];
  /** Anonymous callers pass (as `undefined`); a token, if sent, must still be valid and pass the checks. */
  readonly optional?: boolean;
  /** `true`: confirm by introspection whatever `introspection.everyRoute` says. Default: `everyRoute`. */
  readonly introspect?: boolean;
  /** `true`: only DPoP-bound tokens with their proofs pass this guard, whatever `dpop.mode` says. */
  readonly requireDpop?: boolean;
}

/**
 * One guard's decision on one request: the admitted token (`undefined` for an anonymous caller of an optional
 * guard), synchronously whenever everything needed is in hand, else a promise. Refusals are thrown (or the
 * promise rejects) as this library's `AuthError`s; anything else is a bug or the caller's extractor failing.
 */
export type Gate<R> = (request: R) => Outcome<VerifiedToken | undefined>;

/** The framework-neutral controls every adapter's `Auth` offers besides its guards. */
export interface AuthControl {
  /** Verifies a raw token; with `{ introspect: true }`, confirms it by introspection. */
  verify(token: string, options?: VerifyOptions): Promise<VerifiedToken>;
  /** Revokes a verified token until it would have expired anyway. */
  revoke(token: VerifiedToken): Promise<void>;
  /** Fetches every issuer's keys now; rejects if one cannot be fetched. Await it at start-up to fail fast. */
  ready(): Promise<void>;
  /** The key state of every issuer, for a readiness probe. */
  status(): KeySetStatus[];
}

/** The admission pipeline of one configuration; adapters build their guards on {@link Admission.gate}. */
export interface Admission extends AuthControl {
  /** What every challenge of this configuration carries: the realm, and more as configured. */
  readonly challenge: ChallengeContext;
  /**
   * Compiles a guard: `extract` finds the request's token (throwing `MissingCredentialsError` when there is
   * none, `InvalidRequestError` when the request is malformed); the gate does everything after that. `view`
   * shows the request to the DPoP and mTLS checks (method, original URL, headers, socket); without it, a guard
   * accepts no sender-constrained token.
   */
  gate<R>(policy: GatePolicy, extract: (request: R) => string, view?: (request: R) => SenderRequest): Gate<R>;
  /** Where the (first) issuer's discovery document and token endpoint are, for generated API documents. */
  readonly provider: ProviderEndpoints;
  /** The RFC 9728 metadata of the configured `resource` (a `TypeError` without one), for an adapter to serve. */
  resourceMetadata(sources: Omit<MetadataSources, 'resolved'>, options?: ProtectedResourceOptions): ResourceMetadata;
}

/**
 * Builds the pipeline: verification (cache, keys, signature, claims), then revocation, then introspection when
 * the guard asks for it, then the guard's checks. `adapterKeys` are the options an adapter reads itself: they
 * pass the unknown-key check here (and get suggested for typos) but mean nothing to the pipeline. A token verified before, or whose key is loaded, with a store that answers
 * synchronously, is admitted without a promise; only a key fetch, an asynchronous store or introspection makes
 * the decision asynchronous. Options are validated once: a mistake throws a `TypeError`.
 *
 * @example
 * const admission = createAdmission({ issuer: 'http://localhost:8080/realms/myorg', audience: 'test-api' })
 * const gate = admission.gate({ checks: [requireScopes('read')] }, (req) => extractBearerToken(req, sources))
 */
export function createAdmission(
  options: AdmissionOptions,
  adapterKeys: Readonly<Record<string, true>> = {},
): Admission {
  const resolved = resolveOptions(options, { ...ADMISSION_OPTION_KEYS, ...adapterKeys });
  const verifier = createTokenVerifier(resolved);
  const revocations = options.revocations ?? new MemoryRevocationStore(resolved.now);
  const checkRevocation = createRevocationCheck(revocations);
  const introspector =
    options.introspection === undefined
      ? undefined
      : createIntrospector(options.introspection, resolved, options.allowInsecureHttp === true);
  const observer = resolved.observer;
  const trusted = new Set(resolved.issuers.map((issuer) => issuer.issuer));
  const issuerOf = (token: string | undefined) => trustedIssuerOf(token, trusted, resolved.maxTokenLength);
  const senders = createSenderConstraints(
    resolveDpop(options.dpop, resolved.now),
    resolveMtls(options.mtls),
    resolved.now,
  );

  /**
   * A JWT, verified locally, then revocation: without a promise when it was verified before or its key is
   * already loaded; only a key fetch (or an asynchronous store) makes it wait.
   */
  function admitJwt(token: string): Outcome<VerifiedToken> {
    const cached = verifier.verifyCached(token);
    observer?.metrics?.cacheLookup(cached !== undefined);
    if (cached !== undefined) return checkRevocation(cached);
    return then(verifier.verifyUncached(token), checkRevocation);
  }

  const local: LocalVerification = {
    verifyJwt: async (token) => admitJwt(token),
    accept: async (token) => checkRevocation(token),
  };
  const introspecting = (): NonNullable<typeof introspector> => {
    if (introspector === undefined)
      throw new TypeError('"introspection" must be configured to confirm tokens by introspection');
    return introspector;
  };

  return Object.freeze({
    challenge: Object.freeze({
      realm: resolved.realm,
      ...(resolved.resource === undefined ? {} : { resourceMetadata: resourceMetadataUrl(resolved.resource) }),
      ...(senders.challenge === undefined ? {} : { dpop: senders.challenge }),
    }),
    resourceMetadata: (sources: Omit<MetadataSources, 'resolved'>, metadataOptions?: ProtectedResourceOptions) =>
      createResourceMetadata({ ...sources, resolved, dpop: senders.challenge }, metadataOptions),
    gate<R>(policy: GatePolicy, extract: (request: R) => string, view?: (request: R) => SenderRequest): Gate<R> {
      const checks = Object.freeze([...policy.checks]);
      const optional = policy.optional === true;
      const admitToken =
        (policy.introspect ?? introspector?.everyRoute === true)
          ? (token: string) => introspecting().verify(token, local)
          : admitJwt;
      if (policy.introspect === true) introspecting(); // fail when the guard is built, not per request
      const onlyDpop = policy.requireDpop === true || senders.challenge?.required === true;
      if (onlyDpop && !senders.acceptsDpop(true))
        throw new TypeError('"dpop" must be configured for a guard that requires DPoP');
      const acceptsDpop = view !== undefined && senders.acceptsDpop(onlyDpop);
      const passChecks = (token: VerifiedToken): VerifiedToken => {
        for (const check of checks) check(token);
        return token;
      };
      /** Refusals of a DPoP request, or of a route that demands DPoP, are answered with a DPoP challenge. */
      const underDpop = (error: unknown): never => {
        if (error instanceof AuthError) {
          error.scheme = 'DPoP';
          error.onlyDpop = onlyDpop;
        }
        throw error;
      };
      const decide: Gate<R> = (request) => {
        let token: string;
        try {
          token = extract(request);
        } catch (error) {
          if (error instanceof MissingCredentialsError) {
            if (acceptsDpop && isDpopAuthorization(view(request)))
              return senders.admitDpop(view(request), admitToken).then(passChecks, underDpop);
            if (optional) return undefined;
            if (onlyDpop) underDpop(error);
          }
          throw error;
        }
        if (onlyDpop)
          underDpop(
            new InvalidTokenError('this resource accepts only DPoP-bound tokens', { reason: 'sender_constrained' }),
          );
        return then(admitToken(token), (verified) =>
          passChecks(
            verified.payload.cnf === undefined
              ? verified
              : senders.checkBearer(verified, () => (view === undefined ? undefined : view(request))),
          ),
        );
      };
      if (observer === undefined) return decide;
      // Extracting again only after a refusal, to name the issuer: the admitted path pays nothing for it.
      const tokenOf = (request: R): string | undefined => {
        try {
          return extract(request);
        } catch {
          return undefined;
        }
      };
      return (request) =>
        observeDecision(
          observer,
          () => decide(request),
          () => issuerOf(tokenOf(request)),
        );
    },
    verify: async (token: string, verifyOptions?: VerifyOptions) => {
      if (verifyOptions !== undefined) refuseUnknownKeys(verifyOptions, VERIFY_OPTION_KEYS, '');
      const decide = async (): Promise<VerifiedToken> => {
        const verified = await ((verifyOptions?.introspect ?? introspector?.everyRoute === true)
          ? introspecting().verify(token, local)
          : admitJwt(token));
        if (verified.payload.cnf !== undefined)
          throw new InvalidTokenError(
            'token is sender-constrained ("cnf"): it needs its proof, which only a guard sees',
            {
              reason: 'sender_constrained',
            },
          );
        return verified;
      };
      return observer === undefined ? decide() : observeDecision(observer, decide, () => issuerOf(token));
    },
    revoke: async (token: VerifiedToken) => {
      const exp = typeof token.payload.exp === 'number' ? token.payload.exp : Math.floor(resolved.now() / 1000);
      await revocations.revoke(revocationId(token), exp + resolved.clockTolerance);
    },
    ready: async () => {
      await Promise.all([verifier.warmUp(), observer?.ready]);
    },
    status: () => verifier.status(),
    provider: providerEndpoints(resolved),
  });
}
