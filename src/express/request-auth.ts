import type { VerifiedToken } from '../core/jwt/verified-token.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The verified access token, set by the guard before the route's handler runs; `undefined` on routes
       * without a guard and, with `optionalAuth()`, for anonymous callers.
       */
      auth?: VerifiedToken;
    }
  }
}

export {};
