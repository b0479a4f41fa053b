// The guard's synchronous path for tokens verified before (src/express/guard.ts, createAuth's authenticateSync):
// the same answers as the asynchronous path, with revocation, the route's checks and the clock still applied.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import { createAuth, type ExpressAuthOptions, type RevocationStore } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, expectChallenge, expectUnavailable, send, serve, type Served } from '../../helpers/http.js';

let idp: FakeProvider;
const servers: Served[] = [];

beforeAll(async () => {
  idp = await startFakeProvider();
});
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), idp.close()]);
});

async function start(overrides: Partial<ExpressAuthOptions> = {}): Promise<string> {
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg', ...overrides });
  const app = express();
  app.get('/any', auth.requireAuth(), (req, res) => void res.json({ sub: req.auth!.payload.sub }));
  app.get('/scoped', auth.requireAuth('test_api_access'), (_req, res) => void res.json({ ok: true }));
  app.get('/optional', auth.optionalAuth(), (req, res) => void res.json({ anonymous: req.auth === undefined }));
  app.post('/logout', auth.requireAuth(), async (req, res) => {
    await auth.revoke(req.auth!);
    res.json({ ok: true });
  });
  const served = await serve(app);
  servers.push(served);
  return served.url;
}

/** Three requests: the token is verified twice (the second admits it to the cache), the third is a cache hit. */
async function warm(url: string, path: string, token: string): Promise<void> {
  for (let i = 0; i < 3; i++) await send(`${url}${path}`, { headers: bearer(token) });
}

describe('the guard for tokens verified before', () => {
  test('admits a cached token and still refuses it on a route whose scope it lacks (403)', async () => {
    const url = await start();
    const token = await idp.mint({ scope: 'email' });
    await warm(url, '/any', token);
    expect((await send(`${url}/any`, { headers: bearer(token) })).status).toBe(200);
    expectChallenge(
      await send(`${url}/scoped`, { headers: bearer(token) }),
      403,
      'insufficient_scope',
      undefined,
      'test_api_access',
    );
  });

  test('refuses a cached token once it is revoked', async () => {
    const url = await start();
    const token = await idp.mint();
    await warm(url, '/any', token);
    expect((await send(`${url}/logout`, { method: 'POST', headers: bearer(token) })).status).toBe(200);
    expectChallenge(
      await send(`${url}/any`, { headers: bearer(token) }),
      401,
      'invalid_token',
      'token has been revoked',
    );
  });

  test('refuses a cached token once it has expired, by the injected clock', async () => {
    let now = Date.now();
    const url = await start({ now: () => now });
    const token = await idp.mint({}, { expiresIn: 60 });
    await warm(url, '/any', token);
    now += 91_000;
    expectChallenge(await send(`${url}/any`, { headers: bearer(token) }), 401, 'invalid_token', 'token has expired');
  });

  test('with an asynchronous revocation store, asks it on every request, and a failing one answers 503 without an unhandled rejection', async () => {
    let calls = 0;
    let failing = false;
    const store: RevocationStore = {
      revoke: async () => undefined,
      isRevoked: async () => {
        calls++;
        if (failing) throw new Error('store down');
        return false;
      },
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const url = await start({ revocations: store });
      const token = await idp.mint();
      await warm(url, '/any', token);
      expect((await send(`${url}/any`, { headers: bearer(token) })).status).toBe(200);
      expect(calls).toBeGreaterThanOrEqual(4);
      failing = true;
      expectUnavailable(await send(`${url}/any`, { headers: bearer(token) }));
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('an optional guard lets a caller without credentials through on the synchronous path too', async () => {
    const url = await start();
    expect(await (await fetch(`${url}/optional`)).json()).toEqual({ anonymous: true });
    const token = await idp.mint();
    await warm(url, '/optional', token);
    expect(await (await fetch(`${url}/optional`, { headers: bearer(token) })).json()).toEqual({ anonymous: false });
  });
});
