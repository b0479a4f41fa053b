import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { digestOf, IntrospectionCache } from '../../../../src/core/introspection/cache.js';
import type { IntrospectionAnswer } from '../../../../src/core/introspection/request.js';

const T0 = 1_700_000_000_000;
const ACTIVE: IntrospectionAnswer = { active: true, claims: { exp: T0 / 1000 + 300 } };
const INACTIVE: IntrospectionAnswer = { active: false, claims: {} };

/** A cache on a clock the test moves, and a loader that counts its calls. */
function setup(options: { ttl?: number; maxEntries?: number; maxBytes?: number } = {}) {
  const clock = { now: T0 };
  const cache = new IntrospectionCache({
    ttl: options.ttl ?? 30_000,
    maxEntries: options.maxEntries ?? 100,
    maxBytes: options.maxBytes ?? 1 << 20,
    now: () => clock.now,
  });
  const calls: string[] = [];
  const loader = (answer: IntrospectionAnswer) => (token: string) => () => {
    calls.push(token);
    return Promise.resolve(answer);
  };
  return { clock, cache, calls, active: loader(ACTIVE), inactive: loader(INACTIVE) };
}

/** A promise the test settles itself. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('IntrospectionCache', () => {
  test('reuses an answer until the TTL ends, then asks again', async () => {
    const { clock, cache, calls, active } = setup();
    await cache.get('t', active('t'));
    clock.now += 29_999;
    await expect(cache.get('t', active('t'))).resolves.toBe(ACTIVE);
    expect(calls).toEqual(['t']);
    clock.now += 1;
    await cache.get('t', active('t'));
    expect(calls).toEqual(['t', 't']);
  });

  test("never reuses an active answer past the answer's exp, however long the TTL", async () => {
    const { clock, cache, calls } = setup({ ttl: 3_600_000 });
    const answer: IntrospectionAnswer = { active: true, claims: { exp: T0 / 1000 + 10 } };
    const load = () => {
      calls.push('t');
      return Promise.resolve(answer);
    };
    await cache.get('t', load);
    clock.now += 9_999;
    await cache.get('t', load);
    expect(calls).toHaveLength(1);
    clock.now += 1;
    await cache.get('t', load);
    expect(calls).toHaveLength(2);
  });

  test('bounds an answer without exp by the exp the caller read from the JWT', async () => {
    const { clock, cache, calls } = setup();
    const load = () => {
      calls.push('t');
      return Promise.resolve<IntrospectionAnswer>({ active: true, claims: {} });
    };
    await cache.get('t', load, T0 / 1000 + 5);
    clock.now += 5_000;
    await cache.get('t', load, T0 / 1000 + 5);
    expect(calls).toHaveLength(2);
  });

  test('does not keep an answer for a token that has already expired', async () => {
    const { cache } = setup();
    await cache.get('t', () => Promise.resolve<IntrospectionAnswer>({ active: true, claims: { exp: T0 / 1000 - 1 } }));
    expect(cache.size).toBe(0);
  });

  test('keeps an inactive answer only on its second sighting, then reuses it for the TTL', async () => {
    const { clock, cache, calls, inactive } = setup();
    await expect(cache.get('revoked', inactive('revoked'))).resolves.toBe(INACTIVE);
    expect(cache.size).toBe(0); // a one-off token leaves nothing behind
    await cache.get('revoked', inactive('revoked'));
    expect(cache.size).toBe(1);
    for (let i = 0; i < 3; i++) await expect(cache.get('revoked', inactive('revoked'))).resolves.toEqual(INACTIVE);
    expect(calls).toEqual(['revoked', 'revoked']);
    clock.now += 30_000;
    await cache.get('revoked', inactive('revoked'));
    expect(calls).toEqual(['revoked', 'revoked', 'revoked']);
  });

  test('keys answers by the SHA-256 digest of the token, never by its text', async () => {
    const { cache, active, inactive } = setup();
    const long = 'opaque-'.padEnd(4_000, 'x');
    const junk = 'junk.'.padEnd(4_000, 'y');
    await cache.get(long, active(long));
    await cache.get(junk, inactive(junk));
    await cache.get(junk, inactive(junk));
    const internals = cache as unknown as Record<'active' | 'inactive', { keys(): Iterable<string> }>;
    const keys = [...internals.active.keys(), ...internals.inactive.keys()];
    expect(keys.sort()).toEqual([digestOf(long), digestOf(junk)].sort());
    expect(digestOf(long)).toBe(createHash('sha256').update(long).digest('base64url'));
  });

  test('10,000 one-off junk tokens leave nothing behind', async () => {
    const { cache, active, inactive } = setup({ maxEntries: 100 });
    await cache.get('in-use', active('in-use'));
    for (let i = 0; i < 10_000; i++) await cache.get(`junk-${i}`, inactive(`junk-${i}`));
    expect(cache.size).toBe(1);
  });

  test('10,000 junk tokens, each seen twice, evict no active answer and keep at most maxEntries inactive ones', async () => {
    const { cache, calls, active, inactive } = setup({ maxEntries: 100 });
    await cache.get('in-use', active('in-use'));
    for (let i = 0; i < 10_000; i++) {
      const junk = `junk-${i}`.padEnd(2_000, 'z');
      await cache.get(junk, inactive(junk));
      await cache.get(junk, inactive(junk));
    }
    expect(cache.size).toBe(101);
    calls.length = 0;
    await expect(cache.get('in-use', active('in-use'))).resolves.toBe(ACTIVE);
    expect(calls).toEqual([]);
  });

  test('keeps active answers within maxBytes, estimated from their claims', async () => {
    const { cache } = setup({ maxEntries: 1_000, maxBytes: 64 * 1024 });
    const big: IntrospectionAnswer = { active: true, claims: { exp: T0 / 1000 + 300, note: 'n'.repeat(4_000) } };
    for (let i = 0; i < 100; i++) await cache.get(`t${i}`, () => Promise.resolve(big));
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThanOrEqual(4); // each entry is estimated at over 16 KiB
  });

  test('lets concurrent lookups of one token share a single request', async () => {
    const { cache } = setup();
    const pending = deferred<IntrospectionAnswer>();
    let calls = 0;
    const load = () => {
      calls++;
      return pending.promise;
    };
    const lookups = [cache.get('t', load), cache.get('t', load), cache.get('t', load)];
    expect(calls).toBe(1);
    pending.resolve(ACTIVE);
    await expect(Promise.all(lookups)).resolves.toEqual([ACTIVE, ACTIVE, ACTIVE]);
  });

  test('asks separately for different tokens', async () => {
    const { cache, calls, active } = setup();
    await Promise.all([cache.get('a', active('a')), cache.get('b', active('b'))]);
    expect(calls.sort()).toEqual(['a', 'b']);
  });

  test('does not remember a failed request: every waiter gets the failure and the next lookup asks again', async () => {
    const { cache, calls, active } = setup();
    const pending = deferred<IntrospectionAnswer>();
    const failing = () => pending.promise;
    const lookups = [cache.get('t', failing), cache.get('t', failing)];
    pending.reject(new Error('provider down'));
    for (const lookup of lookups) await expect(lookup).rejects.toThrow('provider down');
    await expect(cache.get('t', active('t'))).resolves.toBe(ACTIVE);
    expect(calls).toEqual(['t']);
  });

  test('keeps at most maxEntries answers, the least recently used leaving first', async () => {
    const { cache, calls, active } = setup({ maxEntries: 2 });
    await cache.get('a', active('a'));
    await cache.get('b', active('b'));
    await cache.get('a', active('a')); // a is now the most recently used
    await cache.get('c', active('c')); // evicts b
    expect(cache.size).toBe(2);
    await cache.get('a', active('a'));
    await cache.get('b', active('b'));
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });

  test.each([
    ['ttl 0', { ttl: 0 }],
    ['maxEntries 0', { maxEntries: 0 }],
  ])('asks every time with %s, still sharing concurrent requests', async (_name, options) => {
    const { cache, calls, active } = setup(options);
    await Promise.all([cache.get('t', active('t')), cache.get('t', active('t'))]);
    await cache.get('t', active('t'));
    expect(calls).toEqual(['t', 't']);
    expect(cache.size).toBe(0);
  });
});
