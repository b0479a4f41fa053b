import type { RefusalReason } from '../errors.js';

/**
 * What went wrong with a key or metadata fetch, in one word a log or an alert can match on: the network error
 * code (`ECONNREFUSED`, `ENOTFOUND`, …), `timeout`, `http_status` (see `status`), `not_json`, `too_large`,
 * `redirect`, `refused_url` (the URL rule), `bad_document` (a JWKS or discovery document that is not usable),
 * `no_such_realm` (discovery and Keycloak's layout both answered 404), or `unknown`.
 */
export type FetchFailureCause =
  | 'timeout'
  | 'http_status'
  | 'no_such_realm'
  | 'not_json'
  | 'too_large'
  | 'redirect'
  | 'refused_url'
  | 'bad_document'
  | 'unknown'
  | (string & {}); // a network error code such as ECONNREFUSED, ENOTFOUND, ECONNRESET, UND_ERR_SOCKET

/** An issuer's keys were fetched. */
export interface KeysFetchedEvent {
  readonly type: 'keys_fetched';
  readonly issuer: string;
  /** How many keys are used. */
  readonly keyCount: number;
  /** Published keys that are never used, each with why (its `kid` when it has one). */
  readonly skippedKeys: readonly { readonly kid: string | undefined; readonly reason: string }[];
}

/** An issuer's keys (or its discovery document) could not be fetched. */
export interface KeysFetchFailedEvent {
  readonly type: 'keys_fetch_failed';
  readonly issuer: string;
  readonly cause: FetchFailureCause;
  /** The HTTP status, when the provider answered one. */
  readonly status: number | undefined;
  /** A sentence for a log: the URL fetched (without query or credentials) and what happened. */
  readonly message: string;
}

/** An issuer published another set of keys: the `kid`s that appeared and those that went. */
export interface KeysRotatedEvent {
  readonly type: 'keys_rotated';
  readonly issuer: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** A request (or a `verify()` call) was refused; never the token, only why. */
export interface TokenRefusedEvent {
  readonly type: 'token_refused';
  /** The refusal's stable reason, as on the error. */
  readonly reason: RefusalReason;
  /** The HTTP status answered. */
  readonly status: number;
  /** The token's issuer, when it is one of the configured issuers; `undefined` otherwise. */
  readonly issuer: string | undefined;
}

/** A token's key was needed but the provider could not be reached: the request gets 503. */
export interface ProviderUnavailableEvent {
  readonly type: 'provider_unavailable';
  readonly issuer: string;
  /** Seconds the caller is told to wait (`Retry-After`). */
  readonly retryAfter: number;
}

/** The shared revocation store lost contact (out of sync) or regained it and reloaded (in sync). */
export interface RevocationStoreEvent {
  readonly type: 'revocation_store_out_of_sync' | 'revocation_store_in_sync';
  /** The store's address without credentials, e.g. `redis://127.0.0.1:6379`. */
  readonly store: string;
}

/** Everything this library reports through `onEvent`; switch on `type`. No event holds a token, key or secret. */
export type AuthEvent =
  | KeysFetchedEvent
  | KeysFetchFailedEvent
  | KeysRotatedEvent
  | TokenRefusedEvent
  | ProviderUnavailableEvent
  | RevocationStoreEvent;

/** Receives events. It runs synchronously where the event happens: keep it quick; what it throws is ignored. */
export type AuthEventListener = (event: AuthEvent) => void;

/**
 * Calls the listener, ignoring what it throws: a broken logger must never break a request or a key fetch.
 * `undefined` when there is no listener, so callers can skip building the event at all.
 */
export function safeListener(listener: unknown, name: string): AuthEventListener | undefined {
  if (listener === undefined) return undefined;
  if (typeof listener !== 'function') throw new TypeError(`"${name}" must be a function`);
  return (event) => {
    try {
      (listener as AuthEventListener)(event);
    } catch {
      // ignored on purpose: see above
    }
  };
}
