import { createAuth as createExpressAuth } from './create-auth.js';
import type { Auth as AdapterAuth, ExpressAuthOptions as AdapterOptions } from './create-auth.js';
import type { Auth, ExpressAuthOptions } from './public-types.js';
import './request-auth.js';

// The public types must name every option and every member the adapter has: tsc fails here when one is added
// to the adapter alone.
type Missing<Adapter, Public> = Exclude<keyof Adapter, keyof Public>;
export type PublicTypesCoverTheAdapter = [
  Missing<AdapterOptions, ExpressAuthOptions> extends never ? true : never,
  Missing<AdapterAuth, Auth> extends never ? true : never,
];

/**
 * Creates the Express guards for one configuration. Options are validated once: a mistake throws a
 * `TypeError`. With `introspection`, guards also confirm each token with the provider (RFC 7662): every guard,
 * or with `introspection.everyRoute: false` only {@link Auth.requireActiveToken}.
 *
 * @example
 * const auth = createAuth({ issuer: 'http://localhost:8080/realms/myorg', audience: 'test-api' })
 * app.get('/api/private-scoped', auth.requireAuth('test_api_access'), handler)
 */
export function createAuth(options: ExpressAuthOptions): Auth {
  // The same functions under the structural types: Express calls them with its own request, response and
  // next, which fit those types (public-types.ts), so only the declared parameter types differ.
  return createExpressAuth(options) as unknown as Auth;
}
