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
export type { VerifyOptions } from '../core/pipeline/admission.js';
export type { ProtectedResourceDocument, ProtectedResourceOptions } from '../core/resource/metadata.js';
