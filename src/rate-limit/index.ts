/**
 * Per-client rate limits for Express, by express-rate-limit: place it after a guard. Only requests the guard
 * admitted with a token are counted, under the verified client (or subject), so an unauthenticated flood never
 * uses a real client's budget. Share the count between instances with a store such as rate-limit-redis.
 *
 * @example
 * import { clientRateLimit } from 'bearer-guard/rate-limit'
 * app.get('/api/items', auth.requireAuth('read'), clientRateLimit({ limit: 60 }), handler)
 */
import { rateLimit, type Options, type RateLimitRequestHandler, type Store } from 'express-rate-limit';
import type { VerifiedToken } from '../core/jwt/verified-token.js';
import type { OptionKeys } from '../shared/option-keys.js';
import { CLIENT_BUDGET_KEYS, clientBudget, OVER_BUDGET, type ClientBudgetOptions } from './budget.js';

export type { ClientBudgetOptions } from './budget.js';

/** Options of {@link clientRateLimit}. */
export interface ClientRateLimitOptions extends ClientBudgetOptions {
  /** Where counts live; default in this process. Use rate-limit-redis to share them between instances. */
  readonly store?: Store;
}

const KEYS = { ...CLIENT_BUDGET_KEYS, store: true } as const satisfies OptionKeys<ClientRateLimitOptions>;

const tokenOf = (req: unknown): VerifiedToken | undefined => (req as { auth?: VerifiedToken }).auth;

/**
 * A middleware limiting each verified client to its budget: 429 with `Retry-After` and the `RateLimit` and
 * `RateLimit-Policy` headers (IETF draft 8) over it. Requests without a verified token (an `optionalAuth`
 * route's anonymous callers) pass uncounted.
 */
export function clientRateLimit(options: ClientRateLimitOptions): RateLimitRequestHandler {
  const budget = clientBudget(options, KEYS);
  const settings: Partial<Options> = {
    windowMs: budget.windowMs,
    limit: (req) => budget.limit(tokenOf(req)!),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: options.budget ?? 'default',
    skip: (req) => tokenOf(req) === undefined,
    keyGenerator: (req) => budget.key(tokenOf(req)!),
    handler: (_req, res, _next, used) => {
      res.status(used.statusCode).json(OVER_BUDGET);
    },
    ...(options.store === undefined ? {} : { store: options.store }),
  };
  return rateLimit(settings);
}
