import { ProviderUnavailableError } from '../errors.js';

/** Limits of the requests sent to the introspection endpoint. */
export interface IntrospectionGateOptions {
  /** Most requests in flight at once. */
  readonly maxConcurrent: number;
  /** After a failed request, how long requests for opaque tokens are refused without asking (ms). */
  readonly cooldown: number;
  /** The clock, in milliseconds since the epoch. */
  readonly now: () => number;
}

/** Seconds a caller refused because too many requests are in flight is told to wait. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * Bounds what introspection can cost the provider. At most `maxConcurrent` requests are in flight; one more is
 * refused at once with {@link ProviderUnavailableError} (503), never queued. After a request failed, requests
 * for opaque tokens are refused the same way for `cooldown`: anyone can make up an opaque token, while a JWT
 * was verified locally before it gets here.
 */
export class IntrospectionGate {
  private inFlight = 0;
  private coolUntil = -Infinity;

  constructor(private readonly options: IntrospectionGateOptions) {}

  /** Runs `request` unless refused; a rejection of `request` starts the cooldown and is passed on. */
  async run<T>(opaque: boolean, request: () => Promise<T>): Promise<T> {
    const now = this.options.now();
    if (opaque && now < this.coolUntil) {
      throw new ProviderUnavailableError(
        'the identity provider failed to answer moments ago (introspection cooling down)',
        (this.coolUntil - now) / 1000,
        { reason: 'introspection_unavailable' },
      );
    }
    if (this.inFlight >= this.options.maxConcurrent) {
      throw new ProviderUnavailableError('too many introspection requests are in flight', BUSY_RETRY_AFTER_SECONDS, {
        reason: 'introspection_busy',
      });
    }
    this.inFlight++;
    try {
      return await request();
    } catch (error) {
      this.coolUntil = this.options.now() + this.options.cooldown;
      throw error;
    } finally {
      this.inFlight--;
    }
  }
}
