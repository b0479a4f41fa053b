import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { errorAnswer, errorHeaders } from '../core/bearer/answer.js';
import type { ChallengeContext } from '../core/bearer/challenge.js';
import { isAuthError } from '../core/errors.js';
import type { Gate } from '../core/pipeline/admission.js';
import { isPending } from '../core/pipeline/outcome.js';
import type { VerifiedToken } from '../core/jwt/verified-token.js';
import './request-auth.js';

/** A route hook: use it as the route's `onRequest` (or `preHandler`, to read tokens from a parsed body). */
export type FastifyGuard = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/** How this configuration answers refusals in Fastify. */
export interface FastifyAnswering {
  /** The realm and what else every challenge carries. */
  readonly challenge: ChallengeContext;
  /** Pass our errors to Fastify's error handler (with `statusCode` and `headers`) instead of answering them. */
  readonly passErrors: boolean;
}

/** Answers a refusal exactly as the Express adapter does (the core renders it), or passes it on. */
function refuse(answering: FastifyAnswering, error: unknown, reply: FastifyReply, done: HookHandlerDoneFunction) {
  if (!isAuthError(error)) {
    done(error instanceof Error ? error : new Error(String(error)));
  } else if (answering.passErrors) {
    error.headers = errorHeaders(error, answering.challenge);
    done(Object.assign(error, { statusCode: error.status }));
  } else {
    const answer = errorAnswer(error, answering.challenge);
    void reply.code(answer.status).headers(answer.headers).send(answer.body);
  }
}

/**
 * A route hook on a gate: `done()` once the request is admitted, with `request.auth` set. A decision the gate
 * makes synchronously calls `done()` without a promise.
 */
export function toHook(gate: Gate<FastifyRequest>, answering: FastifyAnswering): FastifyGuard {
  return (request, reply, done) => {
    let outcome: VerifiedToken | undefined | Promise<VerifiedToken | undefined>;
    try {
      outcome = gate(request);
    } catch (error) {
      refuse(answering, error, reply, done);
      return;
    }
    if (!isPending(outcome)) {
      request.auth = outcome;
      done();
      return;
    }
    outcome.then(
      (token) => {
        request.auth = token;
        done();
      },
      (error: unknown) => refuse(answering, error, reply, done),
    );
  };
}
