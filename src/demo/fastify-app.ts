import type { RequestListener } from 'node:http';
import Fastify from 'fastify';
import { createFastifyAuth } from '../fastify/index.js';
import { demoAuthOptions, demoRoutes, failureAnswer, NOT_FOUND, type DemoAppOptions } from './routes.js';
import type { DemoSettings } from './settings.js';

/** The demo routes served through the Fastify adapter: the same answers as the Express app. */
export async function createFastifyDemoApp(settings: DemoSettings, options: DemoAppOptions): Promise<RequestListener> {
  const auth = createFastifyAuth(demoAuthOptions(settings, options));
  const app = Fastify({ logger: false });
  await app.register(auth.plugin);
  if (settings.resource !== undefined) await app.register(auth.protectedResource());
  for (const route of demoRoutes(auth)) {
    app.route({
      method: route.method,
      url: route.path,
      ...(route.guard === undefined ? {} : { onRequest: route.guard }),
      handler: async (request) => route.answer(request.auth),
    });
  }
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
