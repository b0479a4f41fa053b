import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createAuth, requireRealmRoles, type Auth } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, expectChallenge, send, serve, type Served } from '../../helpers/http.js';

let idp: FakeProvider;
let auth: Auth;
let served: Served;
const calls: string[] = [];

beforeAll(async () => {
  idp = await startFakeProvider();
  auth = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg' });

  // TypeScript 5 standard decorators (tsconfig has no experimentalDecorators).
  class ReportsController {
    readonly name = 'reports';

    @auth.decorator()
    list(req: Request, res: Response): void {
      calls.push(`${this.name}.list`);
      res.json({ message: 'list', sub: req.auth!.payload.sub });
    }

    @auth.decorator('test_api_access')
    async scoped(req: Request, res: Response): Promise<void> {
      calls.push(`${this.name}.scoped`);
      res.json({ message: 'scoped', scopes: req.auth!.scopes });
    }

    @auth.decorator(undefined, requireRealmRoles('admin'))
    admin(_req: Request, res: Response): void {
      calls.push(`${this.name}.admin`);
      res.json({ message: 'admin' });
    }
  }

  // The legacy (experimentalDecorators) form, called by hand as such a compiler would.
  class LegacyController {
    secret(_req: Request, res: Response, _next: NextFunction): void {
      calls.push('legacy.secret');
      res.json({ message: 'legacy' });
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(LegacyController.prototype, 'secret')!;
  Object.defineProperty(
    LegacyController.prototype,
    'secret',
    auth.decorator('test_api_access')(LegacyController.prototype, 'secret', descriptor),
  );

  const reports = new ReportsController();
  const legacy = new LegacyController();
  const app = express();
  app.get('/list', (req, res) => reports.list(req, res));
  app.get('/scoped', (req, res) => reports.scoped(req, res));
  app.get('/admin', (req, res) => reports.admin(req, res));
  app.get('/legacy', (req, res, next) => legacy.secret(req, res, next));
  served = await serve(app);
});
afterAll(async () => {
  await Promise.all([served.close(), idp.close()]);
});

async function get(path: string, token?: string) {
  return send(`${served.url}${path}`, { headers: token === undefined ? {} : bearer(token) });
}

describe('auth.decorator as a standard TypeScript 5 method decorator', () => {
  test('runs the method, with this and req.auth, for an admitted request', async () => {
    calls.length = 0;
    const res = await get('/list', await idp.mint({ sub: 'alice' }));
    expect(res).toMatchObject({ status: 200, body: { message: 'list', sub: 'alice' } });
    expect(calls).toEqual(['reports.list']);
  });

  test('answers 401 and never runs the method without a token', async () => {
    calls.length = 0;
    expectChallenge(await get('/list'), 401, 'unauthorized');
    expect(calls).toEqual([]);
  });

  test('applies the scopes it was given: 403 insufficient_scope without them', async () => {
    calls.length = 0;
    expectChallenge(
      await get('/scoped', await idp.mint({ scope: 'email' })),
      403,
      'insufficient_scope',
      'token lacks a required scope (needs all of: test_api_access)',
      'test_api_access',
    );
    expect(calls).toEqual([]);
    expect((await get('/scoped', await idp.mint({ scope: 'test_api_access' }))).status).toBe(200);
    expect(calls).toEqual(['reports.scoped']);
  });

  test('applies further checks', async () => {
    expectChallenge(
      await get('/admin', await idp.mint()),
      403,
      'insufficient_scope',
      'token lacks the realm role "admin"',
    );
    expect((await get('/admin', await idp.mint({ realm_access: { roles: ['admin'] } }))).status).toBe(200);
  });

  test('answers 401 invalid_token for an invalid token', async () => {
    expectChallenge(
      await get('/list', await idp.mint({ typ: 'Refresh' })),
      401,
      'invalid_token',
      'token is a refresh token ("typ" claim is not Bearer); send an access token',
    );
  });
});

describe('auth.decorator in the legacy (target, key, descriptor) form', () => {
  test('wraps the method: admitted requests run it', async () => {
    calls.length = 0;
    expect(await get('/legacy', await idp.mint({ scope: 'test_api_access' }))).toMatchObject({
      status: 200,
      body: { message: 'legacy' },
    });
    expect(calls).toEqual(['legacy.secret']);
  });

  test('wraps the method: refused requests never run it', async () => {
    calls.length = 0;
    expectChallenge(
      await get('/legacy', await idp.mint({ scope: 'email' })),
      403,
      'insufficient_scope',
      'token lacks a required scope (needs all of: test_api_access)',
      'test_api_access',
    );
    expect(calls).toEqual([]);
  });

  test('keeps the other attributes of the descriptor', () => {
    const target = {};
    const descriptor = { value: () => undefined, writable: false, enumerable: true, configurable: false };
    const wrapped = auth.decorator()(target, 'm', descriptor);
    expect({ ...wrapped, value: undefined }).toEqual({
      value: undefined,
      writable: false,
      enumerable: true,
      configurable: false,
    });
    expect(wrapped.value).not.toBe(descriptor.value);
  });

  test('refuses to decorate something that is not a method', () => {
    expect(() => auth.decorator()({}, 'field', { value: 5 } as unknown as TypedPropertyDescriptor<() => void>)).toThrow(
      new TypeError('the guard decorator applies to methods only'),
    );
  });
});
