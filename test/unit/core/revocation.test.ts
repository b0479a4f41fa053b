import { describe, expect, test } from '@jest/globals';
import { MemoryRevocationStore, revocationId } from '../../../src/core/revocation.js';
import type { VerifiedToken } from '../../../src/core/verified-token.js';

function token(payload: Record<string, unknown>, raw = 'h.p.s'): VerifiedToken {
  return {
    header: { alg: 'RS256' },
    payload,
    token: raw,
    issuer: 'https://idp/realms/a',
    scopes: [],
    roles: [],
    clientRoles: {},
    clientId: undefined,
  };
}

describe('revocationId', () => {
  test('is the issuer and jti when the token has a jti', () => {
    expect(revocationId(token({ jti: 'j1' }))).toBe('jti:https://idp/realms/a j1');
  });

  test('is a digest of the token, never the token itself, when there is no jti', () => {
    const id = revocationId(token({}, 'header.payload.signature'));
    expect(id).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(id).not.toContain('payload');
    expect(revocationId(token({}, 'other.payload.signature'))).not.toBe(id);
  });
});

describe('MemoryRevocationStore', () => {
  test('refuses a revoked token until it would have expired anyway', () => {
    let now = 1_000_000;
    const store = new MemoryRevocationStore(() => now);
    store.revoke('a', 1_100);
    expect(store.isRevoked('a')).toBe(true);
    expect(store.isRevoked('b')).toBe(false);
    now = 1_100_000;
    expect(store.isRevoked('a')).toBe(false);
  });

  test('does not keep a revocation of an already expired token', () => {
    const store = new MemoryRevocationStore(() => 2_000_000);
    store.revoke('a', 1_000);
    expect(store.isRevoked('a')).toBe(false);
  });

  test('forgets expired entries once the map has grown, keeping live ones', () => {
    let now = 0;
    const store = new MemoryRevocationStore(() => now);
    for (let i = 0; i < 1023; i++) store.revoke(`old-${i}`, 10); // with "live": 1024, the first sweep point
    store.revoke('live', 10_000);
    now = 20_000; // 20 s: every old-* entry has expired
    store.revoke('new', 10_000);
    expect(store.isRevoked('live')).toBe(true);
    expect(store.isRevoked('new')).toBe(true);
    expect(store.isRevoked('old-1')).toBe(false);
    expect((store as unknown as { entries: Map<string, number> }).entries.size).toBe(2);
  });
});
