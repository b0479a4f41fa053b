import { describe, expect, test } from '@jest/globals';
import { NonceIssuer } from '../../../../src/core/dpop/nonce.js';
import { resolveDpop, resolveMtls } from '../../../../src/core/dpop/options.js';
import { MemoryReplayStore } from '../../../../src/core/dpop/replay.js';
import { ProviderUnavailableError } from '../../../../src/core/errors.js';

describe('NonceIssuer', () => {
  test('nonces of one secret pass every instance holding it for one to two windows, then stop', () => {
    let now = 1_000_000;
    const a = new NonceIssuer('a-shared-secret-of-16+', 300_000, () => now);
    const b = new NonceIssuer('a-shared-secret-of-16+', 300_000, () => now);
    const nonce = a.current();
    expect(b.accepts(nonce)).toBe(true);
    now += 300_000;
    expect(b.accepts(nonce)).toBe(true);
    expect(a.current()).not.toBe(nonce);
    now += 300_000;
    expect(b.accepts(nonce)).toBe(false);
  });

  test('refuses nonces of another secret, malformed ones and none', () => {
    const a = new NonceIssuer('a-shared-secret-of-16+', 300_000, Date.now);
    const other = new NonceIssuer(undefined, 300_000, Date.now);
    expect(a.accepts(other.current())).toBe(false);
    expect(a.accepts(undefined)).toBe(false);
    expect(a.accepts('zz')).toBe(false);
  });
});

describe('MemoryReplayStore', () => {
  test('accepts an id once until it expires', () => {
    let now = 0;
    const store = new MemoryReplayStore({ now: () => now });
    expect(store.claim('a', 120)).toBe(true);
    expect(store.claim('a', 120)).toBe(false);
    now += 121_000;
    expect(store.claim('a', 120)).toBe(true);
    expect(store.size).toBe(1);
  });

  test('full of live ids, refuses new proofs (503) rather than forget one', () => {
    const store = new MemoryReplayStore({ maxEntries: 1, now: () => 0 });
    store.claim('a', 120);
    expect(() => store.claim('b', 120)).toThrow(ProviderUnavailableError);
    expect(() => new MemoryReplayStore({ maxEntries: 0 })).toThrow('"maxEntries" must be a whole number of at least 1');
  });
});

describe('dpop and mtls options', () => {
  test('dpop.origin must be an origin alone; other mistakes are named', () => {
    expect(resolveDpop({ origin: 'https://api.example.com' }, Date.now)).toMatchObject({
      mode: 'allowed',
      proofLifetime: 60,
    });
    for (const origin of ['https://api.example.com/', 'https://api.example.com/v1', 'api', 'ftp://a'])
      expect(() => resolveDpop({ origin }, Date.now)).toThrow('"dpop.origin" must be an http(s) origin');
    const o = { origin: 'https://a.example' };
    expect(() => resolveDpop({ ...o, mode: 'on' as 'off' }, Date.now)).toThrow('"dpop.mode" must be');
    expect(() => resolveDpop({ ...o, algorithms: ['HS256' as 'ES256'] }, Date.now)).toThrow('"dpop.algorithms"');
    expect(() => resolveDpop({ ...o, nonce: { secret: 'short' } }, Date.now)).toThrow('at least 16');
    expect(() => resolveDpop({ ...o, nonce: { lifetime: 0 } }, Date.now)).toThrow('"dpop.nonce.lifetime"');
    expect(() => resolveDpop({ ...o, replay: {} as never }, Date.now)).toThrow('"dpop.replay"');
    expect(() => resolveDpop({ ...o, extra: 1 } as never, Date.now)).toThrow(TypeError);
    expect(resolveDpop({ ...o, nonce: true }, Date.now)?.nonces).toBeInstanceOf(NonceIssuer);
  });

  test('mtls.certificateHeader must be a header name', () => {
    expect(resolveMtls({ certificateHeader: 'X-Client-Cert' })).toEqual({
      mode: 'allowed',
      certificateHeader: 'x-client-cert',
    });
    expect(() => resolveMtls({ certificateHeader: 'a b' })).toThrow('"mtls.certificateHeader" must be a header name');
  });
});
