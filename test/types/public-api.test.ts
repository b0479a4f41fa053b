// Type-level tests of the public API: `npm run typecheck` fails if a public type drifts. The jest test at the
// bottom only makes this file part of the run; the assertions are the `Expect<…>` lines, checked by tsc.
import { describe, expect, test } from '@jest/globals';
import type { AuthResult } from 'express-oauth2-jwt-bearer';
import express from 'express';
import type { ErrorRequestHandler, Request as ExpressRequest, RequestHandler, Response } from 'express';
import type { Auth, AuthErrorCode, TokenCheck, VerifiedToken } from '../../src/index.js';
import { createAuth, requireScopes } from '../../src/index.js';
import type { AccessToken, ClientErrorCode } from '../../src/client/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Extends<A, B> = A extends B ? true : false;

export type PublicTypeAssertions = [
  // req.auth keeps express-oauth2-jwt-bearer's AuthResult shape, so its claim helpers work on it.
  Expect<Extends<VerifiedToken, AuthResult>>,
  Expect<Equal<VerifiedToken['scopes'], readonly string[]>>,
  Expect<Equal<VerifiedToken['clientRoles'], Readonly<Record<string, readonly string[]>>>>,
  // Express's request carries our type, also beside express-oauth2-jwt-bearer (imported above), which declares
  // its own `auth` on the global Express.Request.
  Expect<Equal<NonNullable<ExpressRequest['auth']>, VerifiedToken>>,
  // One call per route: every guard is an Express RequestHandler, without the entry's types importing express.
  Expect<Extends<ReturnType<Auth['requireAuth']>, RequestHandler>>,
  Expect<Equal<Parameters<Auth['requireAuth']>[0], string | readonly string[] | undefined>>,
  Expect<Extends<ReturnType<Auth['requireRole']>, RequestHandler>>,
  Expect<Extends<ReturnType<Auth['errorHandler']>, ErrorRequestHandler>>,
  Expect<Equal<ReturnType<typeof requireScopes>, TokenCheck>>,
  Expect<
    Equal<
      AuthErrorCode,
      | 'unauthorized'
      | 'invalid_request'
      | 'invalid_token'
      | 'insufficient_scope'
      | 'insufficient_user_authentication'
      | 'temporarily_unavailable'
      | 'invalid_dpop_proof'
      | 'use_dpop_nonce'
    >
  >,
  Expect<Equal<AccessToken['token'], string>>,
  Expect<Equal<ClientErrorCode, 'ERR_OAUTH' | 'ERR_PROVIDER_UNREACHABLE' | 'ERR_TIMEOUT' | 'ERR_UNEXPECTED_RESPONSE'>>,
];

/** Express's own calls accept the guards, and route handlers see `req.auth` typed. Type-checked, never run. */
export function expressUsage(auth: Auth): void {
  const app = express();
  app.get('/a', auth.requireAuth('x'), (req, res) => {
    res.json({ scopes: req.auth?.scopes, sub: req.auth?.payload.sub });
  });
  app.use(auth.errorHandler());
  class Reports {
    @auth.decorator('reports:read')
    list(req: ExpressRequest, res: Response) {
      res.json(req.auth?.clientRoles);
    }
  }
  void Reports;
  createAuth({ issuer: 'https://id.example', audience: 'a', getToken: (req) => req.get('x-token') });
}

describe('public types', () => {
  test('createAuth is callable with the documented minimal options and returns the guards', () => {
    const auth: Auth = createAuth({ issuer: 'http://127.0.0.1:1/realms/myorg', audience: 'test-api' });
    expect(typeof auth.requireAuth('test_api_access')).toBe('function');
    // @ts-expect-error audience is required (false turns the check off explicitly)
    expect(() => createAuth({ issuer: 'http://127.0.0.1:1/realms/myorg' })).toThrow(TypeError);
  });
});
