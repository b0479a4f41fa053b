import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express5 from 'express';
import { createAuth, type Auth } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, expectChallenge, send, serve, type Served } from '../../helpers/http.js';
import { EXPRESS_VERSIONS, failingRoutes, type FailingRoutes } from './fixtures/failing-routes.js';

let idp: FakeProvider;
let auth: Auth;
beforeAll(async () => {
  idp = await startFakeProvider();
  auth = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg' });
});
afterAll(async () => {
  await idp.close();
});

const versions = EXPRESS_VERSIONS;

describe.each(versions)('errors around the guard on %s', (_version, express) => {
  let routes: FailingRoutes;
  let served: Served;
  beforeAll(async () => {
    routes = failingRoutes(express, auth);
    served = await serve(routes.app);
  });
  afterAll(async () => {
    await served.close();
  });

  async function get(path: string, token?: string) {
    routes.caught.length = 0;
    return send(`${served.url}${path}`, { headers: token === undefined ? {} : bearer(token) });
  }

  test('middleware after the guard that throws: its error goes to next(err) once, new token or cached', async () => {
    // The first two sightings of a token take the asynchronous path, the third the synchronous one.
    const token = await idp.mint();
    for (let sighting = 1; sighting <= 3; sighting++) {
      const res = await get('/downstream-throws', token);
      expect(res).toMatchObject({ status: 500, body: { caught: 'the middleware after the guard threw' } });
      expect(routes.caught).toEqual(['the middleware after the guard threw']);
    }
  });

  test('a claim predicate that throws refuses with 403, passing nothing on', async () => {
    expectChallenge(
      await get('/claim-throws', await idp.mint()),
      403,
      'insufficient_scope',
      'token does not satisfy a required claim check',
    );
    expect(routes.caught).toEqual([]);
  });

  test('a claim predicate that returns a rejected promise: a TypeError goes to next(err) once', async () => {
    const message =
      'the "requireClaim" predicate must answer true or false at once, not a promise: check anything asynchronous in the handler';
    expect(await get('/claim-promise', await idp.mint())).toMatchObject({ status: 500, body: { caught: message } });
    expect(routes.caught).toEqual([message]);
  });
});

describe('a next that throws even when handed the error', () => {
  test('the error stops there: no unhandled rejection, the process carries on', async () => {
    // A guard whose keys are not fetched yet decides through a promise: the case where a throw could escape.
    const guard = createAuth({ issuer: idp.issuer, audience: 'test-api' }).requireAuth();
    const calls: unknown[] = [];
    const app = express5();
    app.get('/x', (req, res) =>
      guard(req, res, (error?: unknown) => {
        calls.push(error);
        if (error !== undefined) res.status(500).end();
        throw new Error('next is broken');
      }),
    );
    const served = await serve(app);
    try {
      expect((await send(`${served.url}/x`, { headers: bearer(await idp.mint()) })).status).toBe(500);
      // An unhandled rejection would fail this test when the event loop turns.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      await served.close();
    }
    expect(calls).toEqual([undefined, new Error('next is broken')]);
  });
});

describe.each(versions)("an error of the app's getToken on %s", (_version, express) => {
  test('goes to next(err) exactly once, on every guard', async () => {
    const failing = createAuth({
      issuer: idp.issuer,
      audience: 'test-api',
      getToken: () => {
        throw new Error('getToken failed');
      },
    });
    const caught: unknown[] = [];
    const app = express();
    app.get('/any', failing.requireAuth(), (_req, res) => void res.json({}));
    app.get('/optional', failing.optionalAuth(), (_req, res) => void res.json({}));
    app.use(((error, _req, res, _next) => {
      caught.push(error);
      res.status(500).json({ caught: (error as Error).message });
    }) as express5.ErrorRequestHandler);
    const served = await serve(app);
    try {
      for (const path of ['/any', '/optional']) {
        caught.length = 0;
        expect(await send(`${served.url}${path}`)).toMatchObject({ status: 500, body: { caught: 'getToken failed' } });
        expect(caught).toHaveLength(1);
      }
    } finally {
      await served.close();
    }
  });
});

describe('a getToken that answers neither a string nor undefined', () => {
  test.each<[unknown, string]>([
    [null, 'null'],
    [42, 'the number 42'],
    [['a.b.c'], 'an array'],
  ])('answering %p: a TypeError saying what it must return goes to next(err)', async (answer, described) => {
    const odd = createAuth({ issuer: idp.issuer, audience: 'test-api', getToken: () => answer as string });
    const caught: unknown[] = [];
    const app = express5();
    app.get('/any', odd.requireAuth(), (_req, res) => void res.json({}));
    app.use(((error, _req, res, _next) => {
      caught.push(error);
      res.status(500).json({});
    }) as express5.ErrorRequestHandler);
    const served = await serve(app);
    try {
      expect((await send(`${served.url}/any`)).status).toBe(500);
    } finally {
      await served.close();
    }
    expect(caught).toEqual([
      new TypeError(`"getToken" must return the token as a string, or undefined for none, not ${described}`),
    ]);
  });
});
