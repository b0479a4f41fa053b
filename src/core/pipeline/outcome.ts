/** A value now, or once a key fetch, an asynchronous store or the provider has answered. */
export type Outcome<T> = T | Promise<T>;

/** True when an outcome must be waited for. Our own promises are native, so `instanceof` is exact. */
export function isPending<T>(outcome: Outcome<T>): outcome is Promise<T> {
  return outcome instanceof Promise;
}

/** Applies `next` to an outcome without a promise when the outcome is already in hand. */
export function then<T, U>(outcome: Outcome<T>, next: (value: T) => Outcome<U>): Outcome<U> {
  return isPending(outcome) ? outcome.then(next) : next(outcome);
}
