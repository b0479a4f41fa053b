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
  /**
   * The same, synchronously, for a token verified before: `undefined` means "take the asynchronous path".
   * Absent when every request must go the asynchronous way (introspection).
   */
  readonly authenticateSync?: ((req: Request) => VerifiedToken | undefined) | undefined;
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
    admit(await context.authenticate(req), checks, req);
    return true;
  } catch (error) {
    return refuse(context, error, optional, req, res, next);
  }
}

function admit(token: VerifiedToken, checks: readonly TokenCheck[], req: Request): void {
  for (const check of checks) check(token);
  req.auth = token;
}

/** Answers (or passes on) a failed guard; `true` when an optional guard lets an anonymous caller through. */
function refuse(
  context: GuardContext,
  error: unknown,
  optional: boolean,
  req: Request,
  res: Response,
  next: NextFunction,
): boolean {
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

/**
 * A route middleware: the guard, then `next()` when the request is admitted (habit: the adapter is thin).
 * A token verified before is admitted synchronously; any other goes the asynchronous way.
 */
export function toHandler(context: GuardContext, checks: readonly TokenCheck[], optional = false): RequestHandler {
  const frozen = Object.freeze([...checks]);
  const { authenticateSync } = context;
  return (req, res, next) => {
    if (authenticateSync !== undefined) {
      let admitted: boolean;
      try {
        const token = authenticateSync(req);
        if (token === undefined) admitted = false;
        else {
          admit(token, frozen, req);
          admitted = true;
        }
      } catch (error) {
        if (refuse(context, error, optional, req, res, next)) next();
        return;
      }
      if (admitted) return next();
    }
    runGuard(context, frozen, optional, req, res, next)
      .then((admitted) => {
        if (admitted) next();
      })
      .catch((error: unknown) => passOn(next, error));
  };
}

/**
 * Hands `next` an error raised after the guard decided: by later middleware that `next()` ran outside a router's
 * own try/catch, or by answering the refusal. Left in the promise, it would be an unhandled rejection, which ends
 * the process. If `next` throws too, there is nobody left to tell.
 */
export function passOn(next: NextFunction, error: unknown): void {
  try {
    next(error);
  } catch {
    // `next` itself fails: the error has nowhere left to go
  }
}
