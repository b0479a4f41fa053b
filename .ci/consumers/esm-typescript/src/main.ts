// An ES module app in TypeScript, as a user writes it: Express 5, express-oauth2-jwt-bearer's checks behind our
// guard (both libraries declare `req.auth`), a controller decorator, the client with the app's own axios copy,
// and the test kit's provider. Type-checked with nodenext and with bundler resolution, then run.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import express, { type Request, type Response } from 'express';
import { claimCheck, requiredScopes } from 'express-oauth2-jwt-bearer';
import { createAuth, type VerifiedToken } from 'bearer-guard';
import {
  attachBearerToken,
  clientSecretBasic,
  createBearerAxios,
  createTokenSource,
  discovery,
} from 'bearer-guard/client';
import { startFakeProvider } from 'bearer-guard/testing';
import { commonJsGuard } from './commonjs.cjs';

const idp = await startFakeProvider();
const auth = createAuth({ issuer: idp.issuer, audience: 'test-api' });

class Reports {
  @auth.decorator('test_api_access')
  list(req: Request, res: Response) {
    res.json({ roles: req.auth?.roles });
  }
}

const app = express();
app.get(
  '/reports',
  auth.requireAuth('test_api_access'),
  requiredScopes('test_api_access'),
  claimCheck((payload) => payload.azp === 'test_api_client'),
  (req, res) => {
    const token: VerifiedToken | undefined = req.auth;
    res.json({ client: token?.clientId, scopes: req.auth?.scopes });
  },
);
app.get('/decorated', (req, res) => void new Reports().list(req, res));
app.get('/commonjs', commonJsGuard(idp.issuer), (_req, res) => {
  res.json({ ok: true });
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
try {
  const config = await discovery({
    issuer: idp.issuer,
    clientId: 'test_api_client',
    clientAuth: clientSecretBasic('test_api_client_dev_secret'),
  });
  const source = createTokenSource(config, { scopes: ['test_api_access'] });
  const created = await createBearerAxios(source, { baseURL: base }).get('/reports');
  const own = axios.create({ baseURL: base });
  attachBearerToken(own, source);
  const attached = await own.get<{ client: string }>('/reports');
  const decorated = await own.get<{ roles: string[] }>('/decorated');
  const viaCommonJs = await own.get<{ ok: boolean }>('/commonjs');
  const lacking = `Bearer ${await idp.mint({ scope: 'email' })}`;
  const refused = await fetch(`${base}/reports`, { headers: { authorization: lacking } });
  assert.deepEqual(created.data, { client: 'test_api_client', scopes: ['test_api_access'] });
  assert.equal(attached.data.client, 'test_api_client');
  assert.deepEqual(decorated.data, { roles: ['default-roles-myorg'] });
  assert.deepEqual(viaCommonJs.data, { ok: true });
  assert.equal(refused.status, 403);
  console.log('esm-typescript: Express 5, express-oauth2-jwt-bearer, decorator, client on its own axios: ok');
} finally {
  server.close();
  await idp.close();
}
