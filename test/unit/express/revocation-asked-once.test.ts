// A guarded request asks the revocation store once, even when the store answers asynchronously and the token
// was verified before (the guard's synchronous try must hand its pending answer on, not ask again).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import express from 'express';
import { createAuth, type RevocationStore } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, expectChallenge, send, serve, type Served } from '../../helpers/http.js';

/** A real store, kept in memory, that answers asynchronously and counts the questions it is asked. */
class CountingAsyncStore implements RevocationStore {
  readonly revoked = new Set<string>();
  calls = 0;

  async revoke(id: string): Promise<void> {
    this.revoked.add(id);
  }

  async isRevoked(id: string): Promise<boolean> {
    this.calls++;
    await new Promise((resolve) => setImmediate(resolve));
    return this.revoked.has(id);
  }
}

let idp: FakeProvider;
let served: Served;
const store = new CountingAsyncStore();
const createGuard = () => createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg', revocations: store });

beforeAll(async () => {
  idp = await startFakeProvider();
  const guard = createGuard();
  const app = express();
  app.get('/any', guard.requireAuth(), (_req, res) => void res.json({ ok: true }));
  app.post('/logout', guard.requireAuth(), async (req, res) => {
    await guard.revoke(req.auth!);
    res.json({ ok: true });
  });
  served = await serve(app);
});
afterAll(async () => {
  await Promise.all([served.close(), idp.close()]);
});

test('one guarded request with a cached token asks an asynchronous store exactly once', async () => {
  const token = await idp.mint();
  // Verified twice, the token is then in the cache: the following requests take the synchronous try first.
  for (let i = 0; i < 3; i++) expect((await send(`${served.url}/any`, { headers: bearer(token) })).status).toBe(200);
  for (let i = 0; i < 3; i++) {
    store.calls = 0;
    expect((await send(`${served.url}/any`, { headers: bearer(token) })).status).toBe(200);
    expect(store.calls).toBe(1);
  }
});

test('the single answer still refuses a cached token once it is revoked', async () => {
  const token = await idp.mint();
  for (let i = 0; i < 3; i++) await send(`${served.url}/any`, { headers: bearer(token) });
  expect((await send(`${served.url}/logout`, { method: 'POST', headers: bearer(token) })).status).toBe(200);
  store.calls = 0;
  expectChallenge(
    await send(`${served.url}/any`, { headers: bearer(token) }),
    401,
    'invalid_token',
    'token has been revoked',
  );
  expect(store.calls).toBe(1);
});
