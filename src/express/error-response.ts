import { errorAnswer } from '../core/bearer/answer.js';
import type { ChallengeContext } from '../core/bearer/challenge.js';
import { isAuthError, type AuthError } from '../core/errors.js';
import type { ExpressErrorHandler, ExpressResponse } from './public-types.js';

export { errorHeaders } from '../core/bearer/answer.js';

/** Sends a refusal as the core renders it ({@link errorAnswer}). */
export function sendAuthError(res: ExpressResponse, error: AuthError, context: string | ChallengeContext): void {
  const answer = errorAnswer(error, context);
  res.status(answer.status).set(answer.headers);
  res.json(answer.body);
}

/**
 * Express error middleware for apps that let the guard pass errors on (`passErrors: true`): answers our
 * errors as {@link sendAuthError} does and hands every other error to the next error handler.
 *
 * @example
 * app.use(auth.errorHandler())
 */
export function createErrorHandler(context: string | ChallengeContext): ExpressErrorHandler {
  return (error: unknown, _req, res, next) => {
    if (!isAuthError(error) || res.headersSent) {
      next(error);
      return;
    }
    sendAuthError(res, error, context);
  };
}
