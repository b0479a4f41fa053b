/**
 * bearer-guard for Fastify: the same guards and answers as the Express entry, as route hooks.
 *
 * @example
 * import { createFastifyAuth } from 'bearer-guard/fastify'
 * const auth = createFastifyAuth({ issuer: 'http://localhost:8080/realms/myorg', audience: 'test-api' })
 * app.get('/api/private', { onRequest: auth.requireAuth() }, handler)
 */
export { createFastifyAuth } from './create-auth.js';
export type { FastifyAuth, FastifyAuthOptions } from './create-auth.js';
export type { FastifyGuard } from './guard.js';
export type { GuardRequirement } from '../core/pipeline/guard-registry.js';
export { mergeOpenApi } from '../core/openapi/merge.js';
export type { OpenApiOptions } from '../core/openapi/generate.js';
export type { SecurityDocument, SecuredOperation, SecurityRequirement } from '../core/openapi/document.js';
export type { VerifyOptions } from '../core/pipeline/admission.js';
export type { AuthEvent, AuthEventListener } from '../core/events/events.js';
export type { ProtectedResourceDocument, ProtectedResourceOptions } from '../core/resource/metadata.js';
