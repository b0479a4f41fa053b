import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { extractBearerToken, type BearerSources } from '../core/bearer.js';
import {
  describeValue,
  requireAnyScope,
  requireClaim,
  requireClientRoles,
  requireRealmRoles,
  requireScopes,
  type TokenCheck,
  type TokenPredicate,
} from '../core/checks.js';
import { InvalidTokenError, MissingCredentialsError, ProviderUnavailableError } from '../core/errors.js';
import { createIntrospector, type LocalVerification } from '../core/introspection.js';
import type { IntrospectionOptions } from '../core/introspection-options.js';
import type { KeySetStatus } from '../core/key-set.js';
import { resolveOptions, type AuthOptions } from '../core/options.js';
import { MemoryRevocationStore, revocationId, type RevocationStore } from '../core/revocation.js';
import type { VerifiedToken } from '../core/verified-token.js';
import { createTokenVerifier } from '../core/verify-token.js';
import { createGuardDecorator, type GuardDecorator } from './decorator.js';
import { createErrorHandler } from './error-response.js';
import { toHandler, type GuardContext } from './guard.js';
import { withCheckedArguments } from './guard-arguments.js';

/** Options of {@link createAuth}: the verification options plus how Express requests are read and answered. */
export interface ExpressAuthOptions extends AuthOptions {
  /** Token places besides the `Authorization` header. Both off by default. */
  readonly tokenSources?: Partial<BearerSources>;
  /**
   * A custom token extractor replacing the default one: return the raw token, or `undefined` for "no
   * credentials". It may throw this library's errors (e.g. `InvalidRequestError`).
   */
  readonly getToken?: (req: Request) => string | undefined;
  /** Pass errors to `next(err)` (with `status` and `headers` set) instead of answering them. Default false. */
  readonly passErrors?: boolean;
  /** Where revocations are kept. Default: this process's memory. */
  readonly revocations?: RevocationStore;
  /** Confirm tokens with the provider's introspection endpoint (RFC 7662), on every route or on chosen ones. Off by default. */
  readonly introspection?: IntrospectionOptions;
}

/** Options of {@link Auth.verify}. */
export interface VerifyOptions {
  /** Confirm the token by introspection. Default: `introspection.everyRoute` (false without `introspection`). */
  readonly introspect?: boolean;
}

/** The guards and helpers of one configuration. */
export interface Auth {
  /** Any valid access token; with scopes, all of them (`requireAuth('a')`, `requireAuth(['a', 'b'])`), then any further checks. */
  requireAuth(scopes?: string | readonly string[], ...checks: TokenCheck[]): RequestHandler;
  /** At least one of the scopes. */
  requireAnyScope(scopes: string | readonly string[]): RequestHandler;
  /** Every one of these Keycloak realm roles. */
  requireRole(roles: string | readonly string[]): RequestHandler;
  /** Every one of these client roles of `clientId` (`resource_access[clientId].roles`). */
  requireClientRole(clientId: string, roles: string | readonly string[]): RequestHandler;
  /** A custom predicate over the verified token; `description` is what a refused caller is told. */
  requireClaim(predicate: TokenPredicate, description?: string): RequestHandler;
  /** Anonymous callers pass with `req.auth` undefined; a token, if sent, must be valid and pass the checks. */
  optionalAuth(...checks: TokenCheck[]): RequestHandler;
  /** The same guard as a method decorator for class-based controllers. */
  decorator(scopes?: string | readonly string[], ...checks: TokenCheck[]): GuardDecorator;
  /**
   * The {@link Auth.requireAuth} guard, plus the token confirmed active by the provider's introspection
   * endpoint (RFC 7662), whatever `introspection.everyRoute` says: for sensitive routes when the other routes
   * trust the JWT alone (`everyRoute: false`). Needs the `introspection` option, else throws a `TypeError`.
   *
   * @example
   * app.post('/api/payments', auth.requireActiveToken('payments:write'), handler)
   */
  requireActiveToken(scopes?: string | readonly string[], ...checks: TokenCheck[]): RequestHandler;
  /** Verifies a raw token (for non-Express callers); with `{ introspect: true }`, confirms it by introspection. */
  verify(token: string, options?: VerifyOptions): Promise<VerifiedToken>;
  /** Revokes a verified token until it would have expired anyway. */
  revoke(token: VerifiedToken): Promise<void>;
  /** Error middleware for `passErrors: true`. */
  errorHandler(): ErrorRequestHandler;
  /** Fetches every issuer's keys now; rejects if one cannot be fetched. Await it at start-up to fail fast. */
  ready(): Promise<void>;
  /** The key state of every issuer, for a readiness probe. */
  status(): KeySetStatus[];
}

/**
 * Creates the guards for one configuration. Options are validated once: a mistake throws a `TypeError`.
 * With `introspection`, guards also confirm each token with the provider (RFC 7662): every guard, or with
 * `introspection.everyRoute: false` only {@link Auth.requireActiveToken}; the other routes then run no
 * introspection code at all.
 *
 * @example
 * const auth = createAuth({ issuer: 'http://localhost:8080/realms/myorg', audience: 'test-api' })
 * app.get('/api/private-scoped', auth.requireAuth('test_api_access'), handler)
 */
export function createAuth(options: ExpressAuthOptions): Auth {
  const resolved = resolveOptions(options);
  const verifier = createTokenVerifier(resolved);
  const sources: BearerSources = {
    query: options.tokenSources?.query === true,
    body: options.tokenSources?.body === true,
  };
  const getToken = options.getToken;
  if (getToken !== undefined && typeof getToken !== 'function') throw new TypeError('"getToken" must be a function');
  const revocations = options.revocations ?? new MemoryRevocationStore(resolved.now);
  const introspector =
    options.introspection === undefined
      ? undefined
      : createIntrospector(options.introspection, resolved, options.allowInsecureHttp === true);

  /** The store's answer; a store that cannot be reached fails closed (503), never open. */
  function revocationAnswer(token: VerifiedToken): Promise<boolean> | boolean {
    const unavailable = (error: unknown) =>
      new ProviderUnavailableError('the revocation store cannot be reached', 5, { cause: error });
    try {
      const answer = revocations.isRevoked(revocationId(token));
      return typeof answer === 'boolean'
        ? answer
        : answer.catch((error: unknown) => Promise.reject(unavailable(error)));
    } catch (error) {
      throw unavailable(error);
    }
  }

  async function isRevoked(token: VerifiedToken): Promise<boolean> {
    return revocationAnswer(token);
  }

  /** A token verified before, admitted without a promise when the store answers synchronously (memory, Redis mirror). */
  function authenticateSync(req: Request): VerifiedToken | undefined {
    const token = verifier.verifyCached(extract(req));
    if (token === undefined) return undefined;
    const revoked = revocationAnswer(token);
    if (typeof revoked !== 'boolean') {
      revoked.catch(() => undefined); // an asynchronous store: the async path asks again and handles the answer
      return undefined;
    }
    if (revoked) throw new InvalidTokenError('token has been revoked');
    return token;
  }

  function extract(req: Request): string {
    const raw: unknown = getToken ? getToken(req) : extractBearerToken(req, sources);
    if (raw === undefined) throw new MissingCredentialsError();
    if (typeof raw !== 'string') {
      throw new TypeError(
        `"getToken" must return the token as a string, or undefined for none, not ${describeValue(raw)}`,
      );
    }
    return raw;
  }

  async function accept(token: VerifiedToken): Promise<VerifiedToken> {
    if (await isRevoked(token)) throw new InvalidTokenError('token has been revoked');
    return token;
  }

  const local: LocalVerification = { verifyJwt: async (raw) => accept(await verifier.verify(raw)), accept };
  const authenticate = (req: Request): Promise<VerifiedToken> => local.verifyJwt(extract(req));
  const notConfigured = (): never => {
    throw new TypeError('"introspection" must be configured to confirm tokens by introspection');
  };

  const plain: GuardContext = {
    authenticate,
    authenticateSync,
    realm: resolved.realm,
    passErrors: options.passErrors === true,
  };
  // Introspecting guards get their own context, so that a route without introspection runs none of its code.
  const active: GuardContext | undefined = introspector && {
    ...plain,
    authenticate: async (req: Request) => introspector.verify(extract(req), local),
    authenticateSync: undefined,
  };
  const context = active !== undefined && introspector?.everyRoute === true ? active : plain;
  const scopeChecks = (scopes: string | readonly string[] | undefined): TokenCheck[] =>
    scopes === undefined ? [] : [requireScopes(scopes)];

  return withCheckedArguments({
    requireAuth: (scopes?: string | readonly string[], ...checks: TokenCheck[]) =>
      toHandler(context, [...scopeChecks(scopes), ...checks]),
    requireAnyScope: (scopes: string | readonly string[]) => toHandler(context, [requireAnyScope(scopes)]),
    requireRole: (roles: string | readonly string[]) => toHandler(context, [requireRealmRoles(roles)]),
    requireClientRole: (clientId: string, roles: string | readonly string[]) =>
      toHandler(context, [requireClientRoles(clientId, roles)]),
    requireClaim: (predicate: TokenPredicate, description?: string) =>
      toHandler(context, [requireClaim(predicate, description)]),
    optionalAuth: (...checks: TokenCheck[]) => toHandler(context, checks, true),
    decorator: (scopes?: string | readonly string[], ...checks: TokenCheck[]) =>
      createGuardDecorator(context, [...scopeChecks(scopes), ...checks]),
    requireActiveToken: (scopes?: string | readonly string[], ...checks: TokenCheck[]) =>
      toHandler(active ?? notConfigured(), [...scopeChecks(scopes), ...checks]),
    verify: async (token: string, verifyOptions?: VerifyOptions) =>
      (verifyOptions?.introspect ?? introspector?.everyRoute === true)
        ? (introspector ?? notConfigured()).verify(token, local)
        : local.verifyJwt(token),
    revoke: async (token: VerifiedToken) => {
      const exp = typeof token.payload.exp === 'number' ? token.payload.exp : Math.floor(resolved.now() / 1000);
      await revocations.revoke(revocationId(token), exp + resolved.clockTolerance);
    },
    errorHandler: () => createErrorHandler(resolved.realm),
    ready: () => verifier.warmUp(),
    status: () => verifier.status(),
  });
}
