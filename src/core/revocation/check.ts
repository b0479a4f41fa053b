import { InvalidTokenError, ProviderUnavailableError } from '../errors.js';
import { revocationId, type RevocationStore } from './store.js';
import type { VerifiedToken } from '../jwt/verified-token.js';

/** Seconds a caller is told to wait when the revocation store cannot be reached. */
const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * Admits a token after asking the revocation store, once: synchronously when the store answers synchronously
 * (the memory store, the Redis store's mirror), through a promise otherwise. A store that cannot be reached
 * fails closed (503), never open.
 */
export type RevocationCheck = (token: VerifiedToken) => VerifiedToken | Promise<VerifiedToken>;

const revoked = (): InvalidTokenError => new InvalidTokenError('token has been revoked', { reason: 'revoked' });
const unavailable = (error: unknown): ProviderUnavailableError =>
  new ProviderUnavailableError('the revocation store cannot be reached', STORE_RETRY_AFTER_SECONDS, {
    reason: 'revocation_store_unavailable',
    cause: error,
  });

export function createRevocationCheck(store: RevocationStore): RevocationCheck {
  return (token) => {
    let answer: boolean | Promise<boolean>;
    try {
      answer = store.isRevoked(revocationId(token));
    } catch (error) {
      throw unavailable(error);
    }
    if (typeof answer === 'boolean') {
      if (answer) throw revoked();
      return token;
    }
    return answer.then(
      (isRevoked) => {
        if (isRevoked) throw revoked();
        return token;
      },
      (error: unknown) => {
        throw unavailable(error);
      },
    );
  };
}
