import { describe, expect, test } from '@jest/globals';
import type { VerifiedToken } from '../../../../src/core/jwt/verified-token.js';
import { VerifiedTokenCache, type CachedVerification } from '../../../../src/core/jwt/verified-cache.js';

const OPTIONS = { maxEntries: 100, maxBytes: 1 << 20 };
const TAIL = 'S'.repeat(32);

function entry(token: string): CachedVerification {
  const verified = {
    token,
    header: { alg: 'RS256' },
    payload: {},
    issuer: 'i',
    scopes: [],
    roles: [],
    clientRoles: {},
    clientId: undefined,
  } as VerifiedToken;
  return { verified, generation: 1 };
}

describe('VerifiedTokenCache', () => {
  test('caches a token only the second time it is offered (doorkeeper admission)', () => {
    const cache = new VerifiedTokenCache(OPTIONS);
    const token = `h.p.${TAIL}`;
    cache.offer(token, entry(token));
    expect(cache.get(token)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.offer(token, entry(token));
    expect(cache.get(token)?.verified.token).toBe(token);
    expect(cache.size).toBe(1);
  });

  test('a stream of one-off tokens allocates no entries and evicts none', () => {
    const cache = new VerifiedTokenCache(OPTIONS);
    const kept = `h.p.${TAIL}`;
    cache.offer(kept, entry(kept));
    cache.offer(kept, entry(kept));
    for (let i = 0; i < 1000; i++) {
      const once = `h.p.${String(i).padStart(32, 'x')}`;
      cache.offer(once, entry(once));
    }
    expect(cache.size).toBe(1);
    expect(cache.get(kept)).toBeDefined();
  });

  test('a token sharing the signature tail of a cached one misses, and cannot delete it', () => {
    const cache = new VerifiedTokenCache(OPTIONS);
    const good = `h.good.${TAIL}`;
    const forged = `h.forged.${TAIL}`;
    cache.offer(good, entry(good));
    cache.offer(good, entry(good));
    expect(cache.get(forged)).toBeUndefined();
    cache.delete(forged);
    expect(cache.get(good)?.verified.token).toBe(good);
    cache.delete(good);
    expect(cache.get(good)).toBeUndefined();
  });

  test('maxEntries 0 turns the cache off', () => {
    const cache = new VerifiedTokenCache({ ...OPTIONS, maxEntries: 0 });
    const token = `h.p.${TAIL}`;
    cache.offer(token, entry(token));
    cache.offer(token, entry(token));
    expect(cache.get(token)).toBeUndefined();
  });

  test('keeps at most maxEntries tokens, dropping the least recently used', () => {
    const cache = new VerifiedTokenCache({ ...OPTIONS, maxEntries: 2 });
    const tokens = ['a', 'b', 'c'].map((c) => `h.p.${c.repeat(32)}`);
    for (const t of tokens) {
      cache.offer(t, entry(t));
      cache.offer(t, entry(t));
    }
    expect(cache.size).toBe(2);
    expect(cache.get(tokens[0]!)).toBeUndefined();
    expect(cache.get(tokens[2]!)).toBeDefined();
  });
});
