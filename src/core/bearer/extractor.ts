import { describeValue } from '../claims/requirements.js';
import { MissingCredentialsError } from '../errors.js';

/**
 * The token finder of an adapter: the user's own `getToken` when given (its `undefined` is "no credentials",
 * anything but a string a programming mistake said plainly), else the adapter's built-in extraction.
 */
export function createTokenExtractor<R>(
  getToken: ((request: R) => string | undefined) | undefined,
  builtIn: (request: R) => string,
): (request: R) => string {
  if (getToken === undefined) return builtIn;
  if (typeof getToken !== 'function') throw new TypeError('"getToken" must be a function');
  return (request) => {
    const raw: unknown = getToken(request);
    if (raw === undefined) throw new MissingCredentialsError();
    if (typeof raw !== 'string') {
      throw new TypeError(
        `"getToken" must return the token as a string, or undefined for none, not ${describeValue(raw)}`,
      );
    }
    return raw;
  };
}
