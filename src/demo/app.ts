import express, { type Express, type Request, type Response } from 'express';
import { createAuth, type RevocationStore } from '../index.js';
import type { DemoSettings } from './settings.js';

/** The `realm` of the challenge: the Keycloak realm name of the issuer, else `api`. */
function realmName(issuer: string): string {
  const match = /\/realms\/([^/]+)\/?$/.exec(new URL(issuer).pathname);
  return match ? decodeURIComponent(match[1]!) : 'api';
}

/** Options of the demo app beyond its settings. */
export interface DemoAppOptions {
  readonly revocations?: RevocationStore;
  readonly fetch?: typeof fetch;
}

/** The demo resource server's routes, exactly as shared/demo-contract.md fixes them. */
export function createDemoApp(settings: DemoSettings, options: DemoAppOptions = {}): Express {
  const auth = createAuth({
    issuer: { issuer: settings.issuerUrl, discoveryUrl: settings.discoveryUrl },
    audience: settings.audience,
    clockTolerance: 30,
    realm: realmName(settings.issuerUrl),
    allowInsecureHttp: true, // a demo: docker compose reaches Keycloak as http://keycloak:8080
    ...(options.revocations ? { revocations: options.revocations } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const app = express();
  app.disable('x-powered-by');

  app.get('/api/public', (_req, res) => {
    res.json({ message: 'public endpoint: no token needed' });
  });
  app.get('/api/private', auth.requireAuth(), (_req, res) => {
    res.json({ message: 'private endpoint: any valid access token' });
  });
  app.get('/api/private-scoped', auth.requireAuth('test_api_access'), (_req, res) => {
    res.json({ message: 'scoped endpoint: token holds test_api_access' });
  });
  app.get('/api/private-scoped-all', auth.requireAuth(['test_api_access', 'email']), (_req, res) => {
    res.json({ message: 'scoped endpoint: token holds test_api_access and email' });
  });
  app.get('/api/admin', auth.requireRole('admin'), (_req, res) => {
    res.json({ message: 'admin endpoint: token holds the realm role admin' });
  });
  app.get('/api/me', auth.requireAuth(), (req: Request, res: Response) => {
    const token = req.auth!;
    res.json({
      message: 'who you are',
      sub: token.payload.sub,
      client_id: token.clientId,
      scopes: token.scopes,
      roles: token.roles,
    });
  });
  app.post('/api/logout', auth.requireAuth(), async (req: Request, res: Response) => {
    await auth.revoke(req.auth!);
    res.json({ message: 'token revoked' });
  });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', error_description: 'no such route' });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const status =
      typeof error === 'object' &&
      error !== null &&
      'status' in error &&
      typeof error.status === 'number' &&
      error.status >= 400 &&
      error.status < 600
        ? error.status
        : 500;
    res.status(status).json({
      error: status >= 500 ? 'server_error' : 'invalid_request',
      error_description: 'the request could not be handled',
    });
  });
  return app;
}
