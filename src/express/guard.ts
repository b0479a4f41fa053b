import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TokenCheck } from '../core/checks.js';
import { isAuthError, MissingCredentialsError } from '../core/errors.js';
import type { VerifiedToken } from '../core/verified-token.js';
import { errorHeaders, sendAuthError } from './error-response.js';
import './request-auth.js';

/** What a guard needs from {@link createAuth}. */
export interface GuardContext {
  /** Finds and verifies the request's token; throws our typed errors. */
  readonly authenticate: (req: Request) => Promise<VerifiedToken>;
  readonly realm: string;
  readonly passErrors: boolean;
}

/**
 * Runs the guard on a request: `true` when it is admitted (`req.auth` set), `false` when the guard has
 * answered it (or passed the error to `next`). Errors that are not ours go to `next` untouched.
 */
export async function runGuard(
  context: GuardContext,
  checks: readonly TokenCheck[],
  optional: boolean,
  req: Request,
  res: Response,
  next: NextFunction,
): Promise<boolean> {
  try {
    const token = await context.authenticate(req);
    for (const check of checks) check(token);
    req.auth = token;
    return true;
  } catch (error) {
    if (optional && error instanceof MissingCredentialsError) {
      req.auth = undefined;
      return true;
    }
    if (!isAuthError(error)) {
      next(error);
    } else if (context.passErrors) {
      error.headers = errorHeaders(error, context.realm);
      next(error);
    } else {
      sendAuthError(res, error, context.realm);
    }
    return false;
  }
}

/** A route middleware: the guard, then `next()` when the request is admitted (habit: the adapter is thin). */
export function toHandler(context: GuardContext, checks: readonly TokenCheck[], optional = false): RequestHandler {
  const frozen = Object.freeze([...checks]);
  return (req, res, next) => {
    void runGuard(context, frozen, optional, req, res, next).then((admitted) => {
      if (admitted) next();
    });
  };
}
