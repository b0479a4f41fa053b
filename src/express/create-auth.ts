import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { BEARER_SOURCE_KEYS, extractBearerToken, type BearerSources } from '../core/bearer/extract.js';
import type { TokenCheck } from '../core/claims/requirements.js';
import { createTokenExtractor } from '../core/bearer/extractor.js';
import type { SenderRequest } from '../core/dpop/extract.js';
import { createAdmission, type AdmissionOptions, type AuthControl } from '../core/pipeline/admission.js';
import { withCheckedArguments } from '../core/pipeline/guard-arguments.js';
import { GuardRegistry } from '../core/pipeline/guard-registry.js';
import { createGuards, scopeChecks, type Guards } from '../core/pipeline/guards.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import { createGuardDecorator, type GuardDecorator } from './decorator.js';
import { createErrorHandler } from './error-response.js';
import { toHandler, type ExpressAnswering } from './guard.js';
import { generateSecurityDocument, type OpenApiOptions } from '../core/openapi/generate.js';
import type { SecurityDocument } from '../core/openapi/document.js';
import { collectExpressRoutes } from './openapi-routes.js';
import type { ProtectedResourceOptions } from '../core/resource/metadata.js';
import { metadataMiddleware } from './resource-metadata.js';

export type { VerifyOptions } from '../core/pipeline/admission.js';

/** Options of {@link createAuth}: the pipeline's options plus how Express requests are read and answered. */
export interface ExpressAuthOptions extends AdmissionOptions {
  /** Token places besides the `Authorization` header. Both off by default. */
  readonly tokenSources?: Partial<BearerSources>;
  /**
   * A custom token extractor replacing the default one: return the raw token, or `undefined` for "no
   * credentials". It may throw this library's errors (e.g. `InvalidRequestError`).
   */
  readonly getToken?: (req: Request) => string | undefined;
  /** Pass errors to `next(err)` (with `status` and `headers` set) instead of answering them. Default false. */
  readonly passErrors?: boolean;
}

/** The options only the Express adapter reads; the pipeline's own are checked by the pipeline. */
const EXPRESS_OPTION_KEYS = { tokenSources: true, getToken: true, passErrors: true } as const satisfies OptionKeys<
  Omit<ExpressAuthOptions, keyof AdmissionOptions>
>;

/** The guards and helpers of one configuration, as Express middleware. */
export interface Auth extends Guards<RequestHandler>, AuthControl {
  /** The same guard as a method decorator for class-based controllers. */
  decorator(scopes?: string | readonly string[], ...checks: TokenCheck[]): GuardDecorator;
  /** Error middleware for `passErrors: true`. */
  errorHandler(): ErrorRequestHandler;
  /** The OpenAPI 3.1 security of `app`'s guarded routes (schemes and per-operation `security`); see README. */
  openapi(app: unknown, options?: OpenApiOptions): Promise<SecurityDocument>;
  /** Middleware serving the `resource`'s RFC 9728 metadata (`app.use(auth.protectedResource())`). */
  protectedResource(options?: ProtectedResourceOptions): RequestHandler;
}

/**
 * Creates the Express guards for one configuration. This adapter only reads the token from the request and
 * answers refusals; every decision is the core pipeline's. Options are validated once: a mistake throws a
 * `TypeError`. With `introspection`, guards also confirm each token with the provider (RFC 7662): every guard,
 * or with `introspection.everyRoute: false` only {@link Auth.requireActiveToken}.
 *
 * @example
 * const auth = createAuth({ issuer: 'http://localhost:8080/realms/myorg', audience: 'test-api' })
 * app.get('/api/private-scoped', auth.requireAuth('test_api_access'), handler)
 */
export function createAuth(options: ExpressAuthOptions): Auth {
  const admission = createAdmission(options, EXPRESS_OPTION_KEYS);
  const { tokenSources, getToken, passErrors } = options;
  if (tokenSources !== undefined) refuseUnknownKeys(tokenSources, BEARER_SOURCE_KEYS, 'tokenSources');
  const sources: BearerSources = { query: tokenSources?.query === true, body: tokenSources?.body === true };
  const extract = createTokenExtractor(getToken, (req: Request) => extractBearerToken(req, sources));
  const view = (req: Request): SenderRequest => ({
    method: req.method,
    url: req.originalUrl, // a router mounted on a path rewrites `req.url`; `htu` names the URL the client called
    rawHeaders: req.rawHeaders,
    headers: req.headers,
    socket: req.socket,
  });
  const answering: ExpressAnswering = { challenge: admission.challenge, passErrors: passErrors === true };

  const registry = new GuardRegistry();
  const guards = createGuards(
    (policy) => toHandler(admission.gate(policy, extract, view), answering),
    registry,
    options.now,
  );
  return withCheckedArguments({
    ...guards,
    decorator: (scopes?: string | readonly string[], ...checks: TokenCheck[]) =>
      createGuardDecorator(admission.gate({ checks: [...scopeChecks(scopes), ...checks] }, extract, view), answering),
    verify: admission.verify,
    revoke: admission.revoke,
    ready: admission.ready,
    status: admission.status,
    errorHandler: () => createErrorHandler(admission.challenge),
    openapi: async (app: unknown, openApiOptions?: OpenApiOptions) =>
      generateSecurityDocument(collectExpressRoutes(app, guards.requirementOf), openApiOptions, admission.provider),
    protectedResource: (metadataOptions?: ProtectedResourceOptions) =>
      metadataMiddleware(
        admission.resourceMetadata({ requirements: () => registry.all(), bearerMethods: sources }, metadataOptions),
      ),
  });
}
