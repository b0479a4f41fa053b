import type { RequestListener } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createAuth } from '../index.js';
import { demoAuthOptions, demoRoutes, failureAnswer, NOT_FOUND, type DemoAppOptions } from './routes.js';
import type { DemoSettings } from './settings.js';
import { openApiDocument, OPENAPI_PATH, SCOPE_DESCRIPTIONS } from './openapi.js';
import { expressDemoLimiter } from './rate-limit.js';

/** The demo routes served through the Express adapter. */
export function createExpressDemoApp(settings: DemoSettings, options: DemoAppOptions): RequestListener {
  const auth = createAuth(demoAuthOptions(settings, options));
  const app = express();
  app.disable('x-powered-by');
  if (settings.resource !== undefined) app.use(auth.protectedResource());
  const routes = demoRoutes(auth);
  const limiter = expressDemoLimiter(settings, options);
  for (const route of routes) {
    const handler = (req: Request, res: Response, next: NextFunction) => {
      Promise.resolve()
        .then(() => route.answer(req.auth))
        .then((body) => res.json(body), next);
    };
    const method = route.method === 'GET' ? 'get' : 'post';
    if (route.guard === undefined) app[method](route.path, handler);
    else if (limiter === undefined) app[method](route.path, route.guard, handler);
    else app[method](route.path, route.guard, limiter, handler); // after the guard: only verified clients count
  }
  const document = openApiDocument(routes, () => auth.openapi(app, { scopeDescriptions: SCOPE_DESCRIPTIONS }));
  app.get(OPENAPI_PATH, (_req: Request, res: Response, next: NextFunction) => {
    document().then((body) => res.json(body), next);
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).json(NOT_FOUND);
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = failureAnswer(error);
    res.status(status).json(body);
  });
  return app;
}
