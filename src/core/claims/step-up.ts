import { InsufficientUserAuthenticationError } from '../errors.js';
import { refuseUnknownKeys, type OptionKeys } from '../../shared/option-keys.js';
import { describeValue, type TokenCheck } from './requirements.js';

/** Options of `requireAcr`. */
export interface AcrOptions {
  /** The user must have authenticated at most this many seconds ago (`auth_time`, RFC 9470 §3 `max_age`). */
  readonly maxAge?: number;
}

const ACR_OPTION_KEYS = { maxAge: true } as const satisfies OptionKeys<AcrOptions>;

/** The accepted `acr` values and the `maxAge`, validated when the guard is created. */
export interface AcrRequirement {
  readonly acrValues: readonly string[];
  readonly maxAge: number | undefined;
}

/** Checks `requireAcr`'s arguments: a refused mistake here would otherwise refuse (or admit) every user. */
export function acrRequirement(values: unknown, options: unknown): AcrRequirement {
  const list: readonly unknown[] = typeof values === 'string' ? [values] : Array.isArray(values) ? values : [];
  if (list.length === 0 || list.some((v) => typeof v !== 'string' || v === '' || /[\s"\\]/.test(v))) {
    throw new TypeError(
      `"acrValues" must be a non-empty string or array of them (no spaces or quotes), not ${describeValue(values)}`,
    );
  }
  if (options !== undefined) refuseUnknownKeys(options as AcrOptions, ACR_OPTION_KEYS, '');
  const maxAge = (options as AcrOptions | undefined)?.maxAge;
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0))
    throw new TypeError(`"maxAge" must be a whole number of seconds, not ${describeValue(maxAge)}`);
  return Object.freeze({ acrValues: Object.freeze([...(list as string[])]), maxAge });
}

/**
 * RFC 9470 step-up: the token's `acr` must be one of `acrValues` and, with `maxAge`, its `auth_time` at most that
 * many seconds old (a token without `auth_time` cannot prove it, so it is refused). A shortfall answers 401
 * `insufficient_user_authentication`, never 403: the same client can get in once the user authenticates again.
 */
export function requireAcrCheck(requirement: AcrRequirement, now: () => number): TokenCheck {
  const { acrValues, maxAge } = requirement;
  const attributes = { acrValues, ...(maxAge === undefined ? {} : { maxAge }) };
  return (token) => {
    const { acr, auth_time: authTime } = token.payload;
    if (typeof acr !== 'string' || !acrValues.includes(acr)) {
      throw new InsufficientUserAuthenticationError(
        `authentication level is not sufficient (needs "acr" one of: ${acrValues.join(' ')})`,
        { reason: 'insufficient_acr', ...attributes },
      );
    }
    if (maxAge === undefined) return;
    if (typeof authTime !== 'number' || Math.floor(now() / 1000) - authTime > maxAge) {
      throw new InsufficientUserAuthenticationError(
        `authentication is too old (needs "auth_time" within the last ${maxAge} seconds)`,
        { reason: 'authentication_too_old', ...attributes },
      );
    }
  };
}
