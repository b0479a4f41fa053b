/**
 * bearer-guard: a scope-aware bearer-token guard for Express, for Keycloak and any OIDC provider.
 *
 * Layers point one way: `core/` (transport, verification, checks; no Express) ← `express/` (glue).
 */
export { createAuth } from './express/public-entry.js';
export type {
  Auth,
  ExpressAuthOptions,
  ExpressErrorHandler,
  ExpressHandler,
  ExpressNext,
  ExpressRequest,
  ExpressResponse,
  GuardDecorator,
  RouteMethod,
} from './express/public-types.js';
export type { VerifyOptions } from './core/pipeline/admission.js';
export { createAdmission } from './core/pipeline/admission.js';
export type { Admission, AdmissionOptions, AuthControl, Gate, GatePolicy } from './core/pipeline/admission.js';
export type { Guards } from './core/pipeline/guards.js';
export type { GuardRequirement } from './core/pipeline/guard-registry.js';
export { mergeOpenApi } from './core/openapi/merge.js';
export type { OpenApiOptions } from './core/openapi/generate.js';
export type { SecurityDocument, SecuredOperation, SecurityRequirement } from './core/openapi/document.js';
export type { ProtectedResourceDocument, ProtectedResourceOptions } from './core/resource/metadata.js';
export type { AcrOptions } from './core/claims/step-up.js';
export { errorAnswer } from './core/bearer/answer.js';
export type { ErrorAnswer, ErrorBody } from './core/bearer/answer.js';
export { sendAuthError } from './express/error-response.js';
export {
  requireAnyScope,
  requireClaim,
  requireClientRoles,
  requireRealmRoles,
  requireScopes,
} from './core/claims/requirements.js';
export type { TokenCheck, TokenPredicate } from './core/claims/requirements.js';
export {
  AuthError,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  InvalidDpopProofError,
  InvalidRequestError,
  InvalidTokenError,
  isAuthError,
  MissingCredentialsError,
  ProviderUnavailableError,
  UseDpopNonceError,
} from './core/errors.js';
export type { AuthErrorCode } from './core/errors.js';
export { MemoryReplayStore } from './core/dpop/replay.js';
export type { MemoryReplayStoreOptions, ReplayStore } from './core/dpop/replay.js';
export type { DpopNonceOptions, DpopOptions, MtlsOptions, SenderConstraintMode } from './core/dpop/options.js';
export { extractBearerToken } from './core/bearer/extract.js';
export type { BearerRequest, BearerSources } from './core/bearer/extract.js';
export { ASYMMETRIC_ALGORITHMS } from './core/jws/algorithms.js';
export type { Algorithm } from './core/jws/algorithms.js';
export type { AuthOptions, IssuerOptions, KeySetOptions } from './core/options.js';
export type { KeySetStatus, KeyState } from './core/jwks/remote.js';
export type {
  AuthEvent,
  AuthEventListener,
  FetchFailureCause,
  KeysFetchedEvent,
  KeysFetchFailedEvent,
  KeysRotatedEvent,
  ProviderUnavailableEvent,
  RevocationStoreEvent,
  TokenRefusedEvent,
} from './core/events/events.js';
export type { MetricAttributes, MetricsMeter } from './core/events/metrics.js';
export type { IntrospectionOptions } from './core/introspection/options.js';
export type { IntrospectionClientAuth, IntrospectionClientAuthContext } from './core/introspection/client-auth.js';
export { MemoryRevocationStore } from './core/revocation/store.js';
export type { RevocationStore } from './core/revocation/store.js';
export type { KeycloakClaims, VerifiedToken } from './core/jwt/verified-token.js';
