import type { ErrorRequestHandler, Response } from 'express';
import { buildChallenge } from '../core/challenge.js';
import { isAuthError, ProviderUnavailableError, type AuthError } from '../core/errors.js';

/** The headers an error answers with: `WWW-Authenticate` (RFC 6750 §3), or `Retry-After` for a 503. */
export function errorHeaders(error: AuthError, realm: string): Record<string, string> {
  if (error instanceof ProviderUnavailableError) return { 'Retry-After': String(error.retryAfter) };
  const challenge = buildChallenge(error, realm);
  return challenge === undefined ? {} : { 'WWW-Authenticate': challenge };
}

/**
 * THE one place an error becomes an HTTP answer: status, `WWW-Authenticate` or `Retry-After`, and the JSON
 * body `{ error, error_description }`. The description is the error's own message, which never holds token
 * contents, keys or a stack.
 */
export function sendAuthError(res: Response, error: AuthError, realm: string): void {
  res.status(error.status).set(errorHeaders(error, realm)).set('Cache-Control', 'no-store');
  res.json({ error: error.code, error_description: error.message });
}

/**
 * Express error middleware for apps that let the guard pass errors on (`passErrors: true`): answers our
 * errors as {@link sendAuthError} does and hands every other error to the next error handler.
 *
 * @example
 * app.use(auth.errorHandler())
 */
export function createErrorHandler(realm: string): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (!isAuthError(error) || res.headersSent) {
      next(error);
      return;
    }
    sendAuthError(res, error, realm);
  };
}
