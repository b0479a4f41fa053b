/** The demo server of shared/demo-contract.md, built by `createDemoApp` and served on 127.0.0.1:0. */
import { createDemoApp } from '../../src/demo/app.js';
import type { DemoSettings } from '../../src/demo/settings.js';
import type { FakeProvider } from '../../src/testing/index.js';
import { serve, type Served } from './http.js';

/**
 * The adapter the spec suites drive: jest's `fastify` project runs the same suites with the global
 * `DEMO_FRAMEWORK` set to `fastify`; every other project drives Express.
 */
export const DEMO_FRAMEWORK: 'express' | 'fastify' =
  (globalThis as { DEMO_FRAMEWORK?: unknown }).DEMO_FRAMEWORK === 'fastify' ? 'fastify' : 'express';

/** The settings the demo server reads from its environment, pointed at a fake provider. */
export function demoSettings(idp: FakeProvider, overrides: Partial<DemoSettings> = {}): DemoSettings {
  return {
    issuerUrl: idp.issuer,
    audience: 'test-api',
    discoveryUrl: idp.issuer,
    host: '127.0.0.1',
    port: 0,
    redisUrl: undefined,
    framework: DEMO_FRAMEWORK,
    ...overrides,
  };
}

/** Serves a fresh demo app (its own key cache and revocations) for `idp`. */
export async function startDemo(idp: FakeProvider, overrides: Partial<DemoSettings> = {}): Promise<Served> {
  return serve(await createDemoApp(demoSettings(idp, overrides)));
}
