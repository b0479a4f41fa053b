import type { NextFunction, Request, Response } from 'express';
import type { Gate } from '../core/pipeline/admission.js';
import { runGate, type ExpressAnswering } from './guard.js';

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

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'method';
}

/** Builds a {@link GuardDecorator}: the decorated method runs only for admitted requests, with `req.auth` set. */
export function createGuardDecorator(gate: Gate<Request>, answering: ExpressAnswering): GuardDecorator {
  const wrap = <T extends RouteMethod>(original: T): T =>
    async function guarded(this: unknown, req: Request, res: Response, next: NextFunction) {
      if (await runGate(gate, answering, req, res, next)) return original.call(this, req, res, next);
      return undefined;
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
