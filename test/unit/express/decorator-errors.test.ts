import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Request, Response } from 'express';
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

describe.each(versions)('a decorated method on %s', (_version, express) => {
  let decorated: FailingRoutes;
  let served: Served;
  beforeAll(async () => {
    decorated = failingRoutes(express, auth);
    served = await serve(decorated.app);
  });
  afterAll(async () => {
    await served.close();
  });

  async function get(path: string, token?: string) {
    decorated.caught.length = 0;
    return send(`${served.url}${path}`, { headers: token === undefined ? {} : bearer(token) });
  }

  test('that throws: its error goes to next(err) exactly once', async () => {
    const res = await get('/throws', await idp.mint());
    expect(res).toMatchObject({ status: 500, body: { caught: 'the method threw' } });
    expect(decorated.caught).toEqual(['the method threw']);
  });

  test('that rejects: its error goes to next(err) exactly once', async () => {
    const res = await get('/rejects', await idp.mint());
    expect(res).toMatchObject({ status: 500, body: { caught: 'the method rejected' } });
    expect(decorated.caught).toEqual(['the method rejected']);
  });

  test('called without next: its error goes to the next of the request', async () => {
    const res = await get('/arrow-throws', await idp.mint());
    expect(res).toMatchObject({ status: 500, body: { caught: 'the method threw' } });
    expect(decorated.caught).toEqual(['the method threw']);
  });

  test('refused by the guard: answers 401, never runs the method, passes nothing on', async () => {
    expectChallenge(await get('/throws'), 401, 'unauthorized');
    expect(decorated.caught).toEqual([]);
  });

  test('admitted: runs the method', async () => {
    expect(await get('/ok', await idp.mint({ sub: 'alice' }))).toMatchObject({ status: 200, body: { sub: 'alice' } });
    expect(decorated.caught).toEqual([]);
  });
});

describe.each(versions)('the decorator passing errors on %s', (_version, express) => {
  test('with passErrors, a refusal goes to next(err) exactly once, with its status', async () => {
    const passing = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg', passErrors: true });
    const decorated = failingRoutes(express, passing);
    const served = await serve(decorated.app);
    try {
      expect((await send(`${served.url}/ok`)).status).toBe(500);
      expect(decorated.caught).toEqual(['authentication required: send "Authorization: Bearer <access token>"']);
    } finally {
      await served.close();
    }
  });

  test("an error of the app's getToken goes to next(err) exactly once", async () => {
    const failing = createAuth({
      issuer: idp.issuer,
      audience: 'test-api',
      getToken: () => {
        throw new Error('getToken failed');
      },
    });
    const decorated = failingRoutes(express, failing);
    const served = await serve(decorated.app);
    try {
      expect(await send(`${served.url}/ok`)).toMatchObject({ status: 500, body: { caught: 'getToken failed' } });
      expect(decorated.caught).toEqual(['getToken failed']);
    } finally {
      await served.close();
    }
  });
});

describe('a decorated method called outside Express (no next, no req.next)', () => {
  test("rejects the promise it returns with the method's error, for the caller to handle", async () => {
    class Controller {
      @auth.decorator()
      throws(_req: Request, _res: Response): void {
        throw new Error('the method threw');
      }
    }
    const controller = new Controller();
    // A plain Node server: its requests have no `next`.
    const served = await serve((req, res) => {
      const call = controller.throws(req as Request, res as Response) as unknown as Promise<unknown>;
      call.then(
        () => res.end('resolved'),
        (error: unknown) => res.end(`rejected: ${(error as Error).message}`),
      );
    });
    try {
      expect((await send(served.url, { headers: bearer(await idp.mint()) })).text).toBe('rejected: the method threw');
    } finally {
      await served.close();
    }
  });

  test('rejects with an error the guard would pass on (here, of getToken)', async () => {
    const failing = createAuth({
      issuer: idp.issuer,
      audience: 'test-api',
      getToken: () => {
        throw new Error('getToken failed');
      },
    });
    class Controller {
      @failing.decorator()
      list(_req: Request, res: Response): void {
        res.end('ran');
      }
    }
    const controller = new Controller();
    const served = await serve((req, res) => {
      const call = controller.list(req as Request, res as Response) as unknown as Promise<unknown>;
      call.then(
        () => res.end('resolved'),
        (error: unknown) => res.end(`rejected: ${(error as Error).message}`),
      );
    });
    try {
      expect((await send(served.url)).text).toBe('rejected: getToken failed');
    } finally {
      await served.close();
    }
  });
});
