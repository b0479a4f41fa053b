import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { MemoryRevocationStore, revocationId } from '../../../../src/core/revocation/store.js';
import type { VerifiedToken } from '../../../../src/core/jwt/verified-token.js';

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

  test('of a JWT is the same whatever the spelling of its signature', () => {
    expect(revocationId(token({}, 'header.payload.sig1'))).toBe(revocationId(token({}, 'header.payload.sig2')));
  });

  test('of an opaque token covers the whole token: tokens sharing the part before a dot get different ids', () => {
    const mine = revocationId(token({}, 'prefix.random-of-alice'));
    expect(mine).toMatch(/^opaque-sha256:[A-Za-z0-9_-]{43}$/);
    expect(revocationId(token({}, 'prefix.random-of-bob'))).not.toBe(mine);
  });

  test('of a dot-free opaque token covers its last character', () => {
    expect(revocationId(token({}, 'opaque1'))).not.toBe(revocationId(token({}, 'opaque2')));
  });

  test.each(['a.b', 'a.b.c.d.e', 'a.b.c=', 'a..c'])(
    'of %s, not a compact JWS, is the digest of the whole token',
    (raw) => {
      expect(revocationId(token({}, raw))).toBe(
        `opaque-sha256:${createHash('sha256').update(raw).digest('base64url')}`,
      );
    },
  );

  test('is computed once per frozen token object, as the cache shares it between requests', () => {
    let reads = 0;
    const payload = Object.freeze({
      get jti() {
        reads++;
        return 'j1';
      },
    });
    const shared = Object.freeze(token(payload));
    expect(revocationId(shared)).toBe('jti:https://idp/realms/a j1');
    expect(revocationId(shared)).toBe('jti:https://idp/realms/a j1');
    expect(reads).toBe(1);
  });

  test('follows a token object that can still change (one built by a caller)', () => {
    const payload: Record<string, unknown> = { jti: 'j1' };
    const mutable = token(payload);
    expect(revocationId(mutable)).toBe('jti:https://idp/realms/a j1');
    payload.jti = 'j2';
    expect(revocationId(mutable)).toBe('jti:https://idp/realms/a j2');
  });

  test('of an opaque token never equals that of a JWT whose signed part it spells', () => {
    expect(revocationId(token({}, 'header.payload'))).not.toBe(revocationId(token({}, 'header.payload.signature')));
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
