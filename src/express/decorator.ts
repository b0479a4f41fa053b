import type { NextFunction, Request, Response } from 'express';
import type { Gate } from '../core/pipeline/admission.js';
import { passOn, runGate, type ExpressAnswering } from './guard.js';

/** A controller method handling a route. */
export type RouteMethod = (req: Request, res: Response, next: NextFunction) => unknown;

/**
 * A method decorator applying a guard, for class-based controllers. Works both as a TypeScript 5 standard
 * decorator and with `experimentalDecorators` (the legacy form frameworks such as routing-controllers use).
 */
export interface GuardDecorator {
  <T extends RouteMethod>(value: T, context: ClassMethodDecoratorContext): T;
  <T extends RouteMethod>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): TypedPropertyDescriptor<T>;
}

/**
 * Where errors go: the `next` the method was given, else the request's own (Express sets `req.next` on every
 * request), so that a route written `(req, res) => controller.method(req, res)` loses no error either.
 */
function nextOf(req: Request, next: NextFunction | undefined): NextFunction | undefined {
  if (typeof next === 'function') return next;
  return typeof req.next === 'function' ? req.next : undefined;
}

/** Without any `next`, an error the guard would pass on rejects the method's promise instead. */
const rethrow: NextFunction = (error?: unknown) => {
  throw error;
};

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'method';
}

/** Builds a {@link GuardDecorator}: the decorated method runs only for admitted requests, with `req.auth` set. */
export function createGuardDecorator(gate: Gate<Request>, answering: ExpressAnswering): GuardDecorator {
  // Express 4 ignores a handler's promise, so an error left in it would be an unhandled rejection (and end the
  // process); Express 5 passes a rejected one to `next`. The wrapper hands every error to `next` itself and
  // returns a promise that never rejects: the error is passed exactly once on both.
  const wrap = <T extends RouteMethod>(original: T): T =>
    function guarded(this: unknown, req: Request, res: Response, next: NextFunction): Promise<unknown> {
      const forward = nextOf(req, next);
      return runGate(gate, answering, req, res, forward ?? rethrow)
        .then((admitted) => (admitted ? original.call(this, req, res, next) : undefined))
        .catch((error: unknown) => {
          if (forward === undefined) throw error; // called outside Express: the caller's promise is all there is
          passOn(forward, error);
          return undefined;
        });
    } as T;

  function decorator<T extends RouteMethod>(value: T, context: ClassMethodDecoratorContext): T;
  function decorator<T extends RouteMethod>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): TypedPropertyDescriptor<T>;
  function decorator<T extends RouteMethod>(
    first: T | object,
    second: ClassMethodDecoratorContext | string | symbol,
    descriptor?: TypedPropertyDescriptor<T>,
  ): T | TypedPropertyDescriptor<T> {
    if (isStandardContext(second)) return wrap(first as T);
    if (descriptor === undefined || typeof descriptor.value !== 'function') {
      throw new TypeError('the guard decorator applies to methods only');
    }
    return { ...descriptor, value: wrap(descriptor.value) };
  }
  return decorator;
}
