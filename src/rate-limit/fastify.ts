/**
 * Per-client rate limits for Fastify, by @fastify/rate-limit: register that plugin (with `global: false`,
 * `enableDraftSpec: true` for the standard headers, and its `redis` option to share counts between instances),
 * then put the hook after a guard. Only requests the guard admitted with a token are counted, under the verified
 * client (or subject), so an unauthenticated flood never uses a real client's budget.
 *
 * @example
 * import { clientRateLimit } from 'bearer-guard/rate-limit/fastify'
 * await app.register(rateLimit, { global: false, enableDraftSpec: true, redis })
 * app.get('/api/items', { onRequest: [auth.requireAuth('read'), clientRateLimit(app, { limit: 60 })] }, handler)
 */
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { VerifiedToken } from '../core/jwt/verified-token.js';
import { CLIENT_BUDGET_KEYS, clientBudget, OVER_BUDGET, type ClientBudgetOptions } from './budget.js';

export type { ClientBudgetOptions } from './budget.js';

const tokenOf = (request: FastifyRequest): VerifiedToken | undefined => (request as { auth?: VerifiedToken }).auth;

/** The answer thrown over budget: Fastify's error handler sends it with status 429. */
class OverBudget extends Error {
  readonly statusCode = 429;
  readonly error = OVER_BUDGET.error;
  constructor() {
    super(OVER_BUDGET.error_description);
    this.name = 'OverBudget';
  }
}

/**
 * A hook limiting each verified client to its budget: 429 with `Retry-After` (and the draft rate-limit headers
 * with `enableDraftSpec`) over it. Requests without a verified token pass uncounted. Needs @fastify/rate-limit
 * registered on `app` first.
 */
export function clientRateLimit(
  app: FastifyInstance & { rateLimit?: (options?: RateLimitOptions) => onRequestHookHandler },
  options: ClientBudgetOptions,
): onRequestHookHandler {
  const budget = clientBudget(options, CLIENT_BUDGET_KEYS);
  if (typeof app.rateLimit !== 'function') {
    throw new TypeError('register @fastify/rate-limit on this app before creating a client rate limit');
  }
  return app.rateLimit({
    timeWindow: budget.windowMs,
    max: (request) => budget.limit(tokenOf(request)!),
    allowList: (request) => tokenOf(request) === undefined,
    keyGenerator: (request) => budget.key(tokenOf(request)!),
    errorResponseBuilder: () => new OverBudget(),
  });
}
