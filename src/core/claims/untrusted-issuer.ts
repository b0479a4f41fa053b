import { InvalidTokenError } from '../errors.js';

/**
 * The refusal of a token whose `iss` is not a trusted issuer, naming the configured issuers (public: every
 * token of theirs carries them) so the reader sees what was expected. The token's own `iss` is never echoed:
 * the one hint about it is that it differs from a trusted issuer only by a trailing slash, a common mistake
 * (Keycloak issuers have none; some other providers' do).
 */
export function untrustedIssuer(iss: unknown, trusted: readonly string[]): InvalidTokenError {
  const expected = trusted.map((issuer) => `"${issuer}"`).join(', ');
  let message = `token "iss" is not a trusted issuer; expected ${trusted.length === 1 ? '' : 'one of '}${expected}`;
  if (typeof iss === 'string') {
    const bare = iss.replace(/\/+$/, '');
    const near = trusted.find((issuer) => issuer !== iss && issuer.replace(/\/+$/, '') === bare);
    if (near !== undefined) message += ` (the token's "iss" differs from "${near}" only by a trailing slash)`;
  }
  return new InvalidTokenError(message, { reason: 'issuer' });
}
