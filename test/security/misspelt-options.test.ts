/**
 * A misspelt option must never fail open. `allowedClient: ['billing']` (for `allowedClients`) used to be ignored,
 * so the guard admitted a token of every client; an ignored `tokenSources` or `keys` typo is less dangerous but
 * just as silent. createAuth now refuses every unknown key at start-up, so such a guard is never served.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import { createAuth, type ExpressAuthOptions } from '../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { bearer, expectChallenge, send, serve, type Served } from '../helpers/http.js';

let idp: FakeProvider;
const servers: Served[] = [];

beforeAll(async () => {
  idp = await startFakeProvider(); // mints tokens of the client test_api_client
});
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), idp.close()]);
});

/** Serves `GET /billing` behind a guard built from `extra` on 127.0.0.1:0; throws what createAuth throws. */
async function serveGuard(extra: Record<string, unknown>): Promise<string> {
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg', ...extra } as ExpressAuthOptions);
  const app = express();
  app.get('/billing', auth.requireAuth(), (_req, res) => void res.json({ paid: true }));
  const served = await serve(app);
  servers.push(served);
  return `${served.url}/billing`;
}

describe('a misspelt client allow-list does not let every client through', () => {
  test('allowedClients: ["billing"] refuses a token of test_api_client over HTTP (401 invalid_token)', async () => {
    const url = await serveGuard({ allowedClients: ['billing'] });
    expectChallenge(
      await send(url, { headers: bearer(await idp.mint()) }),
      401,
      'invalid_token',
      'token was issued to a client that is not allowed ("azp")',
    );
  });

  test('allowedClient: ["billing"] is refused at start-up, so no guard admitting test_api_client is ever served', async () => {
    let outcome: unknown;
    try {
      const url = await serveGuard({ allowedClient: ['billing'] });
      outcome = (await send(url, { headers: bearer(await idp.mint()) })).status; // 200 when the typo was ignored
    } catch (error) {
      outcome = error;
    }
    expect(outcome).toEqual(new TypeError('unknown option "allowedClient"; did you mean "allowedClients"?'));
  });
});
