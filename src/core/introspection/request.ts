import { FetchFailedError, fetchJsonObject, type FetchLimits } from '../http/fetch-json.js';
import { authenticatedForm, type AuthenticatedForm } from '../../shared/client-auth.js';
import type { ResolvedIntrospection } from './options.js';

/** The provider's verdict on one token (RFC 7662 §2.2). */
export interface IntrospectionAnswer {
  /** RFC 7662 §2.2: "active REQUIRED. Boolean indicator of whether or not the presented token is currently active." */
  readonly active: boolean;
  /** Every other member of the answer (`scope`, `client_id`, `exp`, `iss`, `aud`, …), frozen. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * One introspection request (RFC 7662 §2.1): POSTs `token` with `token_type_hint=access_token`, the resource
 * server authenticated by its strategy. Any failure — network, timeout, non-2xx (a refused client included),
 * oversize, not a JSON object, no boolean `active` — is a {@link FetchFailedError}: the token's fate is then
 * unknown, never a pass.
 */
export async function requestIntrospection(
  endpoint: string,
  token: string,
  config: ResolvedIntrospection,
  limits: FetchLimits,
  now: number,
): Promise<IntrospectionAnswer> {
  let form: AuthenticatedForm;
  try {
    form = await authenticatedForm(
      config.clientAuth,
      { clientId: config.clientId, issuer: config.issuer.issuer, tokenEndpoint: endpoint, now },
      { token, token_type_hint: 'access_token' },
    );
  } catch (error) {
    throw new FetchFailedError('the introspection request could not be authenticated', { cause: error });
  }
  const answer = await fetchJsonObject(endpoint, limits, form);
  const { active, ...claims } = answer;
  if (typeof active !== 'boolean') throw new FetchFailedError(`${endpoint} answered without a boolean "active"`);
  return Object.freeze({ active, claims: Object.freeze(claims) });
}
