import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Server nonces (RFC 9449 §9) without storage: a nonce names a time window and carries an HMAC of it under a
 * secret, so every instance holding the secret issues and accepts the same nonces. The current and the previous
 * window's nonces are accepted, so a nonce lives between one and two windows.
 */
export class NonceIssuer {
  private readonly secret: Buffer;
  private cached: { window: number; nonce: string } | undefined;

  constructor(
    secret: string | Uint8Array | undefined,
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {
    this.secret = secret === undefined ? randomBytes(32) : Buffer.from(secret);
  }

  private windowAt(ms: number): number {
    return Math.floor(ms / this.lifetimeMs);
  }

  private mac(window: number): Buffer {
    return createHmac('sha256', this.secret).update(`dpop-nonce ${window}`).digest().subarray(0, 24);
  }

  private nonceOf(window: number): string {
    return `${window.toString(36)}.${this.mac(window).toString('base64url')}`;
  }

  /** The nonce to hand out now. */
  current(): string {
    const window = this.windowAt(this.now());
    if (this.cached?.window !== window) this.cached = { window, nonce: this.nonceOf(window) };
    return this.cached.nonce;
  }

  /** True for a nonce this secret issued in the current or the previous window. */
  accepts(nonce: string | undefined): boolean {
    if (nonce === undefined) return false;
    const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{32})$/.exec(nonce);
    if (match === null) return false;
    const window = parseInt(match[1]!, 36);
    const current = this.windowAt(this.now());
    if (window !== current && window !== current - 1) return false;
    return timingSafeEqual(Buffer.from(match[2]!, 'base64url'), this.mac(window));
  }
}
