import type { RequestListener } from 'node:http';
import { createExpressDemoApp } from './express-app.js';
import { createFastifyDemoApp } from './fastify-app.js';
import type { DemoAppOptions } from './routes.js';
import type { DemoSettings } from './settings.js';

export type { DemoAppOptions } from './routes.js';

/** The demo resource server (the demo contract in docs/) through the framework its settings name. */
export async function createDemoApp(settings: DemoSettings, options: DemoAppOptions = {}): Promise<RequestListener> {
  return settings.framework === 'fastify'
    ? createFastifyDemoApp(settings, options)
    : createExpressDemoApp(settings, options);
}
