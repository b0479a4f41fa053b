// What each guard demands, as data, for the documents generated from the guards (OpenAPI, RFC 9728).
import { describe, expect, test } from '@jest/globals';
import { createFastifyAuth } from '../../../../src/fastify/index.js';
import { createAuth } from '../../../../src/index.js';

const options = { issuer: 'https://sso.example.com/realms/myorg', audience: 'test-api' };

describe('the requirement of each guard', () => {
  for (const [framework, make] of [
    ['express', () => createAuth(options)],
    ['fastify', () => createFastifyAuth(options)],
  ] as const) {
    test(`${framework}: every factory records what it demands, and the scopes of all guards are listed once`, () => {
      const auth = make();
      const scoped = auth.requireAuth(['read', 'write'], () => undefined);
      const anyOf = auth.requireAnyScope(['read', 'admin']);
      const role = auth.requireRole('admin');
      const clientRole = auth.requireClientRole('billing', ['payer']);
      const claim = auth.requireClaim(() => true, 'EU only');
      const optional = auth.optionalAuth();
      expect(auth.requirementOf(scoped)).toMatchObject({ scopes: ['read', 'write'], customChecks: 1, optional: false });
      expect(auth.requirementOf(anyOf)).toMatchObject({ scopes: [], anyScopes: ['read', 'admin'] });
      expect(auth.requirementOf(role)).toMatchObject({ realmRoles: ['admin'] });
      expect(auth.requirementOf(clientRole)).toMatchObject({ clientRoles: { billing: ['payer'] } });
      expect(auth.requirementOf(claim)).toMatchObject({ customChecks: 1 });
      expect(auth.requirementOf(optional)).toMatchObject({ optional: true, scopes: [] });
      expect(auth.requirementOf(() => undefined)).toBeUndefined();
      expect(auth.requirements()).toHaveLength(6);
      expect([...new Set(auth.requirements().flatMap((r) => [...r.scopes, ...r.anyScopes]))].sort()).toEqual([
        'admin',
        'read',
        'write',
      ]);
    });
  }

  test('a requirement cannot be changed by the code that reads it', () => {
    const auth = createAuth(options);
    const requirement = auth.requirementOf(auth.requireAuth('read'))!;
    expect(Object.isFrozen(requirement)).toBe(true);
  });
});
