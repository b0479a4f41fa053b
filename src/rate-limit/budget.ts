import type { VerifiedToken } from '../core/jwt/verified-token.js';
import { assertPositive } from '../core/options.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';

/** A request budget per verified caller, whatever the framework. */
export interface ClientBudgetOptions {
  /** Requests allowed per window: a number, or one per token (e.g. by scope: `t => t.scopes.includes('bulk') ? 600 : 60`). */
  readonly limit: number | ((token: VerifiedToken) => number);
  /** The window in milliseconds. Default 60 000 (one minute). */
  readonly windowMs?: number;
  /** Who owns a budget: the client (`azp`, else `client_id`, else `sub`) or the subject (`sub`). Default `client`. */
  readonly by?: 'client' | 'subject';
  /** The budget's name: routes sharing a name share the count, so a separate name gives a route its own budget. */
  readonly budget?: string;
}

export const CLIENT_BUDGET_KEYS = {
  limit: true,
  windowMs: true,
  by: true,
  budget: true,
} as const satisfies OptionKeys<ClientBudgetOptions>;

/** The answer to a caller over its budget; the limiter sets `Retry-After` and the rate-limit headers. */
export const OVER_BUDGET = Object.freeze({
  error: 'too_many_requests',
  error_description: 'this client has used up its request budget; retry after the time in Retry-After',
});

/** The checked options: who a key belongs to and how large its budget is. */
export interface ClientBudget {
  readonly windowMs: number;
  /** The counter's key of a verified token. */
  key(token: VerifiedToken): string;
  limit(token: VerifiedToken): number;
}

/** Checks the options once; a mistake throws a `TypeError`. */
export function clientBudget(options: ClientBudgetOptions, known: Readonly<Record<string, true>>): ClientBudget {
  if (typeof options !== 'object' || options === null) throw new TypeError('rate limit options must be an object');
  refuseUnknownKeys(options, known, 'rateLimit');
  const { limit, windowMs = 60_000, by = 'client', budget = 'default' } = options;
  if (typeof limit !== 'function') assertPositive(limit, 'limit');
  assertPositive(windowMs, 'windowMs');
  if (by !== 'client' && by !== 'subject') throw new TypeError('"by" must be "client" or "subject"');
  if (typeof budget !== 'string' || budget === '') throw new TypeError('"budget" must be a non-empty string');
  const owner = (token: VerifiedToken): string => {
    const sub = typeof token.payload.sub === 'string' ? token.payload.sub : '';
    return by === 'client' && token.clientId !== undefined ? `client:${token.clientId}` : `sub:${sub}`;
  };
  return Object.freeze({
    windowMs,
    key: (token: VerifiedToken) => `${budget}:${owner(token)}`,
    limit: (token: VerifiedToken) => {
      const value = typeof limit === 'function' ? limit(token) : limit;
      assertPositive(value, 'limit');
      return value;
    },
  });
}
