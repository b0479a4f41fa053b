import type { VerifiedToken } from '../core/jwt/verified-token.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified access token, set by the guard before the route's handler runs; `undefined` on routes
     * without a guard and, with `optionalAuth()`, for anonymous callers.
     */
    auth?: VerifiedToken | undefined;
  }
}

export {};
