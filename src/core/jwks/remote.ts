import type { KeyObject, webcrypto } from 'node:crypto';
import type { JSONWebKeySet, JWK, JWSHeaderParameters } from 'jose';
import { fetchJwks } from './discovery.js';
import { InvalidTokenError, ProviderUnavailableError } from '../errors.js';
import { FetchFailedError, type FetchLimits } from '../http/fetch-json.js';
import { reportKeysFetched, reportKeysFetchFailed } from '../events/key-set-events.js';
import { screenKeys, type SkippedKey } from './key-safety.js';
import { KeySelection, UnusableKeyError } from './key-selection.js';
import type { ResolvedIssuer, ResolvedOptions } from '../options.js';

/** `fresh`: keys known and current; `stale`: keys known but old or the last refresh failed; `unreachable`: no keys. */
export type KeyState = 'empty' | 'fresh' | 'stale' | 'unreachable';

/** What a readiness probe needs to know about one issuer's keys. */
export interface KeySetStatus {
  readonly issuer: string;
  readonly state: KeyState;
  readonly keyCount: number;
  /** When keys were last fetched successfully (ms since the epoch). */
  readonly fetchedAt: number | undefined;
  /** Why the last fetch failed, if it did. */
  readonly lastError: string | undefined;
  /** Published keys that are never used (unsafe or unreadable), each with the reason. */
  readonly skippedKeys: readonly SkippedKey[];
}

/** A public key ready to verify: imported when the keys were loaded (a WebCrypto key is accepted too). */
export type ResolvedKey = KeyObject | webcrypto.CryptoKey;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;
/** The first wait after a failed fetch while no keys are known; it doubles with each failure, up to the cooldown. */
const FIRST_RETRY_MS = 1_000;
const NO_MATCH = 'no signing key of the issuer matches the token\'s "kid"';
const UNUSABLE = "the issuer's key for this token is unusable";

/** Keeps only public, asymmetric keys: a JWKS that publishes private or symmetric keys is never trusted for them. */
function publicKeysOnly(body: Record<string, unknown>): JSONWebKeySet {
  const keys = body.keys;
  if (!Array.isArray(keys)) throw new FetchFailedError('the JWKS has no "keys" array');
  const usable = keys.filter(
    (k): k is JWK =>
      typeof k === 'object' &&
      k !== null &&
      typeof (k as JWK).kty === 'string' &&
      (k as JWK).kty !== 'oct' &&
      PRIVATE_MEMBERS.every((m) => !Object.hasOwn(k, m)),
  );
  return { keys: usable };
}

/**
 * The keys of one issuer: fetched once, refreshed ahead of expiry in the background, served stale while the
 * provider is down. An unknown `kid` triggers one refetch shared by all concurrent requests; a refetch that
 * did not find the kid (or failed) starts a cooldown during which no unknown kid triggers another, so a
 * flood of forged tokens cannot turn the service into a JWKS hammer, while a key newly published when no
 * flood is going on is picked up at once. While no keys are known, a failed fetch is retried after about a
 * second, then after twice as long each time, up to the cooldown: a provider that comes up late is found soon.
 * Unsafe keys are skipped when the keys are loaded (see key-safety.ts).
 */
export class RemoteKeySet {
  private selection: KeySelection | undefined;
  private fetchedAt: number | undefined;
  private lastError: string | undefined;
  private pending: Promise<void> | undefined;
  private cooldownUntil = 0;
  private failuresWithoutKeys = 0;
  private skippedKeys: readonly SkippedKey[] = [];
  private readonly limits: FetchLimits;
  private publishedKeys = '';
  /** Changes whenever the published keys change: tokens verified under another generation are verified again. */
  generation = 0;

  constructor(
    readonly issuer: ResolvedIssuer,
    private readonly options: Pick<ResolvedOptions, 'keys' | 'now' | 'fetch' | 'allowInsecureHttp'> &
      Partial<Pick<ResolvedOptions, 'observer'>>,
  ) {
    this.limits = {
      timeout: options.keys.timeout,
      maxResponseBytes: options.keys.maxResponseBytes,
      fetch: options.fetch,
      allowInsecureHttp: options.allowInsecureHttp,
    };
  }

  /** Fetches the keys now (single flight). Rejects with {@link FetchFailedError} when that fails. */
  refresh(): Promise<void> {
    this.pending ??= this.load().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async load(): Promise<void> {
    try {
      const jwks = publicKeysOnly(await fetchJwks(this.issuer, this.limits));
      const published = JSON.stringify(jwks.keys);
      const previous = this.publishedKeys;
      if (published !== this.publishedKeys) {
        this.publishedKeys = published;
        this.generation++;
      }
      const { usable, skipped } = screenKeys(jwks.keys);
      this.selection = new KeySelection(usable);
      this.skippedKeys = skipped;
      this.fetchedAt = this.options.now();
      this.lastError = undefined;
      if (this.options.observer !== undefined) {
        const before = previous === '' || previous === published ? undefined : (JSON.parse(previous) as JWK[]);
        reportKeysFetched(this.options.observer, this.issuer.issuer, before, jwks.keys, usable.length, skipped);
      }
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : 'the keys could not be fetched';
      this.startCooldown();
      if (this.options.observer !== undefined) reportKeysFetchFailed(this.options.observer, this.issuer.issuer, error);
      throw error instanceof FetchFailedError ? error : new FetchFailedError(this.lastError, { cause: error });
    }
  }

  /**
   * The candidate keys for a token's header (one, unless the JWKS repeats a kid). Throws our typed errors only:
   * {@link InvalidTokenError} when no key matches, {@link ProviderUnavailableError} when the keys cannot be had.
   */
  async getKeys(header: JWSHeaderParameters): Promise<ResolvedKey[]> {
    const now = this.options.now();
    const inHand = this.keysInHand(header);
    if (inHand !== undefined) return inHand;
    const firstFetch = this.selection === undefined;
    if (firstFetch) {
      await this.fetchOrUnavailable(now);
      const found = this.find(header);
      if (found !== undefined) return found;
    }

    // Unknown kid: refetch once (or join a running fetch), unless the keys were just fetched for this very
    // request or a cooldown is on. Only a refetch that did not find the kid starts a cooldown: requests
    // refused during one never extend it, so a new key is accepted at the latest when it ends.
    if (!firstFetch) {
      if (this.pending === undefined && now < this.cooldownUntil) {
        if (this.lastError !== undefined) throw this.unavailable(now);
        throw this.noKeyFor(header);
      }
      await this.fetchOrUnavailable(now);
      const refetched = this.find(header);
      if (refetched !== undefined) return refetched;
    }
    this.cooldownUntil = this.options.now() + this.options.keys.cooldown;
    throw this.noKeyFor(header);
  }

  /**
   * The candidate keys when they are already loaded and one fits, without a promise (the common path);
   * `undefined` when {@link RemoteKeySet.getKeys} must fetch (no keys yet, or no key fits). Throws
   * {@link InvalidTokenError} when the one fitting key is unusable.
   */
  keysInHand(header: JWSHeaderParameters): ResolvedKey[] | undefined {
    if (this.selection === undefined) return undefined;
    this.refreshIfAging();
    return this.find(header);
  }

  /** A kid that names a skipped key is told apart from an unknown one (the key state says why it was skipped). */
  private noKeyFor(header: JWSHeaderParameters): InvalidTokenError {
    if (this.skippedKeys.some((skipped) => skipped.kid !== undefined && skipped.kid === header.kid))
      return new InvalidTokenError(UNUSABLE, { reason: 'key_unusable' });
    return new InvalidTokenError(NO_MATCH, { reason: 'unknown_kid' });
  }

  /**
   * After a failed fetch: the whole cooldown once keys are known; while none are, about a second at first,
   * doubling with each failure up to the cooldown, so that a provider coming up late is not kept waiting.
   */
  private startCooldown(): void {
    const { cooldown } = this.options.keys;
    const wait =
      this.selection === undefined ? Math.min(cooldown, FIRST_RETRY_MS * 2 ** this.failuresWithoutKeys++) : cooldown;
    this.cooldownUntil = this.options.now() + wait;
  }

  /**
   * Starts a background refresh when the keys near `maxAge` (and no cooldown is on). Cheap: called on every
   * request, cache hits included, so that keys stay current even when only known tokens arrive.
   */
  refreshIfAging(): void {
    const now = this.options.now();
    if (this.fetchedAt === undefined || this.pending !== undefined || now < this.cooldownUntil) return;
    if (now - this.fetchedAt < this.options.keys.maxAge * 0.8) return;
    this.refresh().catch(() => undefined); // recorded in the key state, and the cooldown started
  }

  private async fetchOrUnavailable(now: number): Promise<void> {
    if (this.pending === undefined && now < this.cooldownUntil && this.lastError !== undefined)
      throw this.unavailable(now);
    try {
      await this.refresh();
    } catch (error) {
      throw this.unavailable(this.options.now(), error);
    }
  }

  private unavailable(now: number, cause?: unknown): ProviderUnavailableError {
    const retryAfter = Math.max(1, (this.cooldownUntil - now) / 1000);
    const error = new ProviderUnavailableError(
      "the identity provider cannot be reached to fetch the token's key",
      retryAfter,
      { reason: 'provider_unavailable', cause },
    );
    this.options.observer?.emit({
      type: 'provider_unavailable',
      issuer: this.issuer.issuer,
      retryAfter: error.retryAfter,
    });
    return error;
  }

  /** The matching keys, `undefined` when no key matches. */
  private find(header: JWSHeaderParameters): ResolvedKey[] | undefined {
    if (this.selection === undefined) return undefined;
    if (header.kid !== undefined && typeof header.kid !== 'string') return undefined;
    try {
      return this.selection.select(String(header.alg), header.kid);
    } catch (error) {
      if (!(error instanceof UnusableKeyError)) throw error;
      throw new InvalidTokenError(UNUSABLE, { reason: 'key_unusable', cause: error });
    }
  }

  /** The state of these keys, for a readiness probe. */
  status(): KeySetStatus {
    const now = this.options.now();
    let state: KeyState;
    if (this.selection === undefined) state = this.lastError === undefined ? 'empty' : 'unreachable';
    else if (this.lastError !== undefined || now - (this.fetchedAt ?? 0) >= this.options.keys.maxAge) state = 'stale';
    else state = 'fresh';
    return {
      issuer: this.issuer.issuer,
      state,
      keyCount: this.selection?.size ?? 0,
      fetchedAt: this.fetchedAt,
      lastError: this.lastError,
      skippedKeys: this.skippedKeys,
    };
  }
}
