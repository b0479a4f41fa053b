import { errorAnswer } from '../core/bearer/answer.js';
import { isAuthError, type AuthError } from '../core/errors.js';
import type { ExpressErrorHandler, ExpressResponse } from './public-types.js';

export { errorHeaders } from '../core/bearer/answer.js';

/** Sends a refusal as the core renders it ({@link errorAnswer}). */
export function sendAuthError(res: ExpressResponse, error: AuthError, realm: string): void {
  const answer = errorAnswer(error, realm);
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
export function createErrorHandler(realm: string): ExpressErrorHandler {
  return (error: unknown, _req, res, next) => {
    if (!isAuthError(error) || res.headersSent) {
      next(error);
      return;
    }
    sendAuthError(res, error, realm);
  };
}
