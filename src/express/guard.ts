import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ChallengeContext } from '../core/bearer/challenge.js';
import { isAuthError } from '../core/errors.js';
import { isPending } from '../core/pipeline/outcome.js';
import type { Gate } from '../core/pipeline/admission.js';
import type { VerifiedToken } from '../core/jwt/verified-token.js';
import { errorHeaders, sendAuthError } from './error-response.js';
import './request-auth.js';

/** How this configuration answers refusals in Express. */
export interface ExpressAnswering {
  /** The realm and what else every challenge carries. */
  readonly challenge: ChallengeContext;
  /** Pass our errors to `next(err)` (with `headers` set) instead of answering them. */
  readonly passErrors: boolean;
}

/** Answers a refusal, or passes it on. Errors that are not ours go to `next` untouched. */
function refuse(answering: ExpressAnswering, error: unknown, res: Response, next: NextFunction): void {
  if (!isAuthError(error)) {
    next(error);
  } else if (answering.passErrors) {
    error.headers = errorHeaders(error, answering.challenge);
    next(error);
  } else {
    sendAuthError(res, error, answering.challenge);
  }
}

/**
 * Runs a gate on a request for callers that continue themselves (the decorator): `true` when admitted
 * (`req.auth` set), `false` when the request was answered or passed to `next`.
 */
export async function runGate(
  gate: Gate<Request>,
  answering: ExpressAnswering,
  req: Request,
  res: Response,
  next: NextFunction,
): Promise<boolean> {
  try {
    req.auth = await gate(req);
    return true;
  } catch (error) {
    refuse(answering, error, res, next);
    return false;
  }
}

/**
 * A route middleware on a gate: `next()` once the request is admitted, with `req.auth` set. A decision the gate
 * makes synchronously (a token verified before or whose key is loaded, a store that answers at once) calls `next()` without a promise.
 */
export function toHandler(gate: Gate<Request>, answering: ExpressAnswering): RequestHandler {
  return (req, res, next) => {
    let outcome: VerifiedToken | undefined | Promise<VerifiedToken | undefined>;
    try {
      outcome = gate(req);
    } catch (error) {
      refuse(answering, error, res, next);
      return;
    }
    if (!isPending(outcome)) {
      req.auth = outcome;
      next();
      return;
    }
    outcome
      .then(
        (token) => {
          req.auth = token;
          next();
        },
        (error: unknown) => refuse(answering, error, res, next),
      )
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
