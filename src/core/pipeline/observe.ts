import { isAuthError } from '../errors.js';
import type { Observer } from '../events/observer.js';
import { decodeCompactJws } from '../jws/compact.js';
import { isPending, type Outcome } from './outcome.js';

/**
 * The issuer of a refused token, only when it names a configured issuer: an attacker's `iss` never reaches a
 * log. Read without verification, and only on the refusal path of an observed configuration.
 */
export function trustedIssuerOf(
  token: string | undefined,
  trusted: ReadonlySet<string>,
  maxLength: number,
): string | undefined {
  if (token === undefined) return undefined;
  try {
    const { iss } = decodeCompactJws(token, maxLength).payload;
    return typeof iss === 'string' && trusted.has(iss) ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs one decision under the observer: a refusal becomes a `token_refused` event (its reason, never the
 * token), and with metrics the decision's duration is recorded. `tokenOf` is called only after a refusal.
 * Only configurations with an observer go through here, so the others build no event and read no clock.
 */
export function observeDecision<T>(
  observer: Observer,
  decide: () => Outcome<T>,
  issuerOnRefusal: () => string | undefined,
): Outcome<T> {
  const metrics = observer.metrics;
  const started = metrics === undefined ? 0 : performance.now();
  const refused = (error: unknown): never => {
    metrics?.decision(performance.now() - started, false);
    if (isAuthError(error))
      observer.emit({ type: 'token_refused', reason: error.reason, status: error.status, issuer: issuerOnRefusal() });
    throw error;
  };
  const admitted = (value: T): T => {
    metrics?.decision(performance.now() - started, true);
    return value;
  };
  let outcome: Outcome<T>;
  try {
    outcome = decide();
  } catch (error) {
    return refused(error);
  }
  return isPending(outcome) ? outcome.then(admitted, refused) : admitted(outcome);
}
