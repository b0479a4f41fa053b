/**
 * Output formatting: human-readable by default, one JSON document with --json.
 */
import { ClientError, OAuthError } from '../client/index.js';
import { exitCodeFor } from './exit-codes.js';

/** Formats a JSON value for stdout: indented for humans, compact for scripts. */
export function formatJson(value: unknown, json: boolean): string {
  return json ? JSON.stringify(value) : JSON.stringify(value, null, 2);
}

/** Pretty-prints a body when it is JSON; returns it unchanged otherwise. */
export function formatBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** Parses a body for --json output: the JSON value when it is JSON, else the text. */
export function bodyValue(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** The error line(s) for stderr. */
export function formatError(error: unknown, json: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  const exitCode = exitCodeFor(error);
  if (json) {
    return JSON.stringify({
      error: {
        message,
        exit_code: exitCode,
        ...(error instanceof ClientError ? { code: error.code } : {}),
        ...(error instanceof OAuthError
          ? { oauth_error: error.error, oauth_error_description: error.errorDescription }
          : {}),
      },
    });
  }
  const hint =
    error instanceof ClientError && (error.code === 'ERR_PROVIDER_UNREACHABLE' || error.code === 'ERR_TIMEOUT')
      ? '\nhint: is the provider running? For the demo realm, start Keycloak with "npm run keycloak"'
      : '';
  return `error: ${message}${hint}`;
}
