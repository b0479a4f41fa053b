/**
 * The CLI's exit codes, and which one each failure maps to. Documented in `--help`; scripts rely on them.
 */
import { ClientError, OAuthError } from '../client/index.js';

/** Exit codes, stable: scripts branch on them. */
export const EXIT = Object.freeze({
  /** The token was printed, or the API answered 2xx. */
  ok: 0,
  /** Anything else that went wrong (such as `--decode` on a token that is not a JWT). */
  failure: 1,
  /** Bad command line or configuration: nothing was sent. */
  usage: 2,
  /** The provider could not be reached, timed out, or answered with something unusable. */
  providerUnreachable: 3,
  /** The token endpoint refused the client (an OAuth error such as invalid_client or invalid_scope). */
  credentialsRefused: 4,
  /** The API answered, but not with 2xx. */
  apiRefused: 5,
  /** The API could not be reached or timed out. */
  apiUnreachable: 6,
});

/** The exit code table, as printed by `--help`. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success (for "call": the API answered 2xx)
  1  other failure
  2  usage or configuration error (nothing was sent)
  3  provider unreachable: connection failed, timed out, or answered with something unusable
  4  credentials refused: the token endpoint answered with an OAuth error (invalid_client, invalid_scope, ...)
  5  API refused: the API answered with a status other than 2xx
  6  API unreachable: connection to the API failed or timed out`;

/** A mistake on the command line or in the configuration: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure whose exit code is already decided (the API's answers), with what to print on stdout first. */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly output?: string,
  ) {
    super(message);
  }
}

/** Maps an error to its exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ExitError) return error.exitCode;
  if (error instanceof UsageError || error instanceof TypeError) return EXIT.usage;
  if (error instanceof OAuthError) return EXIT.credentialsRefused;
  if (error instanceof ClientError) return EXIT.providerUnreachable;
  return EXIT.failure;
}
