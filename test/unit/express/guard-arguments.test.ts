import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express5, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import express4 from 'express4';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { createAuth, requireRealmRoles, type Auth } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, send, serve } from '../../helpers/http.js';
import type { ExpressFactory } from './fixtures/failing-routes.js';

let idp: FakeProvider;
let auth: Auth;
beforeAll(async () => {
  idp = await startFakeProvider();
  auth = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg' });
});
afterAll(async () => {
  await idp.close();
});

/** Each guard factory, and what its message says to write instead. */
const factories: [keyof Auth, string][] = [
  ['requireAuth', 'auth.requireAuth() or auth.requireAuth("scope")'],
  ['requireAnyScope', 'auth.requireAnyScope(["scope-a", "scope-b"])'],
  ['requireRole', 'auth.requireRole("role")'],
  ['requireClientRole', 'auth.requireClientRole("client-id", "role")'],
  ['requireClaim', 'auth.requireClaim((token) => ..., "description")'],
  ['optionalAuth', 'auth.optionalAuth()'],
  ['requireActiveToken', 'auth.requireActiveToken() or auth.requireActiveToken("scope")'],
  ['errorHandler', 'app.use(auth.errorHandler())'],
];

const versions: [string, ExpressFactory][] = [
  ['Express 5', express5],
  ['Express 4', express4],
];

describe.each(versions)('a guard factory mounted uncalled on %s', (_version, express) => {
  test.each(factories)(
    'app.get(path, auth.%s, handler): a TypeError saying what to write goes to next(err); the handler never runs',
    async (name, write) => {
      const caught: unknown[] = [];
      let handled = 0;
      const app = express();
      app.get('/x', auth[name] as unknown as RequestHandler, (_req, res) => {
        handled++;
        res.json({});
      });
      app.use(((error, _req, res, _next) => {
        caught.push(error);
        res.status(500).json({});
      }) as ErrorRequestHandler);
      const served = await serve(app);
      try {
        expect((await send(`${served.url}/x`, { headers: bearer(await idp.mint()) })).status).toBe(500);
      } finally {
        await served.close();
      }
      expect(caught).toEqual([new TypeError(`"${name}" was mounted uncalled: write ${write}, not auth.${name}`)]);
      expect(caught[0]).toBeInstanceOf(TypeError);
      expect(handled).toBe(0);
    },
  );

  test('auth.decorator mounted as middleware: the TypeError says what it is for', async () => {
    const caught: unknown[] = [];
    const app = express();
    app.use(auth.decorator as unknown as RequestHandler);
    app.use(((error, _req, res, _next) => {
      caught.push(error);
      res.status(500).json({});
    }) as ErrorRequestHandler);
    const served = await serve(app);
    try {
      expect((await send(`${served.url}/x`)).status).toBe(500);
    } finally {
      await served.close();
    }
    expect(caught).toEqual([
      new TypeError(
        '"decorator" was mounted uncalled: it decorates controller methods, as @auth.decorator(); a route takes auth.requireAuth()',
      ),
    ]);
  });
});

describe('a guard factory given a request object without next', () => {
  const request = new IncomingMessage(new Socket());

  test.each(factories)('auth.%s(req) throws a TypeError saying how to call it', (name, write) => {
    const factory = auth[name] as (...args: unknown[]) => unknown;
    expect(() => factory(request)).toThrow(
      new TypeError(`"${name}" was given a request object: call it as ${write}, and mount what it returns`),
    );
  });
});

describe('a decorator applied uncalled', () => {
  const message = '"decorator" was applied uncalled: write @auth.decorator() or @auth.decorator("scope")';

  test('as a TypeScript 5 decorator: throws a TypeError when the class is defined', () => {
    expect(() => {
      class Controller {
        // @ts-expect-error -- the mistake under test: the decorator factory itself, not a decorator
        @auth.decorator
        list(_req: Request, res: Response): void {
          res.json({});
        }
      }
      return Controller;
    }).toThrow(new TypeError(message));
  });

  test('in the legacy (target, key, descriptor) form: throws the same TypeError', () => {
    const target = { list: () => undefined };
    const descriptor = Object.getOwnPropertyDescriptor(target, 'list')!;
    const factory = auth.decorator as unknown as (...args: unknown[]) => unknown;
    expect(() => factory(target, 'list', descriptor)).toThrow(new TypeError(message));
    expect(() => factory(target, Symbol('list'), descriptor)).toThrow(new TypeError(message));
  });
});

describe('the further checks of a guard factory', () => {
  const several = (name: string) =>
    `"${name}" takes further checks as functions (such as requireRealmRoles("admin")), not the string "write"; give several scopes as one array, as ${name}(["a", "b"])`;

  test.each(['requireAuth', 'decorator', 'requireActiveToken'] as const)(
    'auth.%s("read", "write") throws a TypeError saying to give several scopes as one array',
    (name) => {
      const factory = auth[name] as (...args: unknown[]) => unknown;
      expect(() => factory('read', 'write')).toThrow(new TypeError(several(name)));
    },
  );

  test('auth.optionalAuth("admin") throws a TypeError: it takes checks only', () => {
    expect(() => auth.optionalAuth('admin' as unknown as () => void)).toThrow(
      new TypeError(
        '"optionalAuth" takes further checks as functions (such as requireRealmRoles("admin")), not the string "admin"',
      ),
    );
  });

  test('real checks are still taken', () => {
    expect(typeof auth.requireAuth('read', requireRealmRoles('admin'))).toBe('function');
    expect(typeof auth.optionalAuth(requireRealmRoles('admin'))).toBe('function');
    expect(typeof auth.decorator(undefined, requireRealmRoles('admin'))).toBe('function');
  });
});

describe('wrong scopes and roles through the factories', () => {
  test('say what to fix when the guard is created', () => {
    expect(() => auth.requireAuth('read write')).toThrow(
      new TypeError('"scopes" holds "read write", which has a space: give several as an array, as ["read","write"]'),
    );
    expect(() => auth.requireAnyScope([])).toThrow(new TypeError('"scopes" is an empty array: name at least one'));
    expect(() => auth.requireRole(undefined as unknown as string)).toThrow(
      new TypeError('"roles" must be a string or an array of strings, not undefined'),
    );
    expect(() => auth.requireClientRole('', 'r')).toThrow(
      new TypeError('"clientId" must be a non-empty string, not the string ""'),
    );
    expect(() => auth.requireClaim(undefined as unknown as () => boolean)).toThrow(
      new TypeError('"predicate" must be a function, not undefined'),
    );
  });
});
