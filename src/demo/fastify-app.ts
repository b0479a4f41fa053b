import type { RequestListener } from 'node:http';
import Fastify from 'fastify';
import { createFastifyAuth } from '../fastify/index.js';
import { demoAuthOptions, demoRoutes, failureAnswer, NOT_FOUND, type DemoAppOptions } from './routes.js';
import type { DemoSettings } from './settings.js';
import { openApiDocument, OPENAPI_PATH, SCOPE_DESCRIPTIONS } from './openapi.js';
import { fastifyDemoLimiter } from './rate-limit.js';

/** The demo routes served through the Fastify adapter: the same answers as the Express app. */
export async function createFastifyDemoApp(settings: DemoSettings, options: DemoAppOptions): Promise<RequestListener> {
  const auth = createFastifyAuth(demoAuthOptions(settings, options));
  const app = Fastify({ logger: false });
  await app.register(auth.plugin);
  if (settings.resource !== undefined) await app.register(auth.protectedResource());
  const routes = demoRoutes(auth);
  const limiter = await fastifyDemoLimiter(app, settings, options);
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path,
      // The limiter after the guard: only verified clients count.
      ...(route.guard === undefined ? {} : { onRequest: limiter ? [route.guard, limiter] : route.guard }),
      handler: async (request) => route.answer(request.auth),
    });
  }
  const document = openApiDocument(routes, () => auth.openapi({ scopeDescriptions: SCOPE_DESCRIPTIONS }));
  app.get(OPENAPI_PATH, async () => document());
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send(NOT_FOUND);
  });
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = failureAnswer(error);
    void reply.code(status).send(body);
  });
  await app.ready();
  return (req, res) => app.routing(req, res);
}
