import type { VerifiedToken } from '../core/jwt/verified-token.js';

// On the request type of Express's own declarations, not on the global `Express.Request`: other libraries
// declare `auth` there too (express-oauth2-jwt-bearer, with its own type), and two declarations of one member
// conflict (TS2717). Express's `Request` extends the global one, and may narrow a member it inherits: ours is
// the more precise type, so both libraries type-check together. Without @types/express this declares nothing.
declare module 'express-serve-static-core' {
  interface Request {
    /**
     * The verified access token, set by the guard before the route's handler runs; `undefined` on routes
     * without a guard and, with `optionalAuth()`, for anonymous callers.
     */
    auth?: VerifiedToken;
  }
}

export {};
