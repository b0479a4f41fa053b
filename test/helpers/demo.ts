/** The demo server of shared/demo-contract.md, built by `createDemoApp` and served on 127.0.0.1:0. */
import { createDemoApp } from '../../src/demo/app.js';
import type { DemoSettings } from '../../src/demo/settings.js';
import type { FakeProvider } from '../../src/testing/index.js';
import { expectChallenge as expectAnyChallenge, serve, type HttpResponse, type Served } from './http.js';

/**
 * The adapter the spec suites drive: jest's `fastify` project runs the same suites with the global
 * `DEMO_FRAMEWORK` set to `fastify`; every other project drives Express.
 */
export const DEMO_FRAMEWORK: 'express' | 'fastify' =
  (globalThis as { DEMO_FRAMEWORK?: unknown }).DEMO_FRAMEWORK === 'fastify' ? 'fastify' : 'express';

/** The demo's `RESOURCE` in these suites (the contract's default for 127.0.0.1:50100) and its metadata URL. */
export const DEMO_RESOURCE = 'http://127.0.0.1:50100';
export const DEMO_RESOURCE_METADATA = `${DEMO_RESOURCE}/.well-known/oauth-protected-resource`;

/** The contract's answer (see `expectChallenge` in http.ts) from the demo: realm `myorg`, its `resource_metadata`. */
export function expectChallenge(
  response: HttpResponse,
  status: number,
  error: 'unauthorized' | 'invalid_request' | 'invalid_token' | 'insufficient_scope',
  description?: string,
  scope?: string,
): void {
  expectAnyChallenge(response, status, error, description, scope, 'myorg', DEMO_RESOURCE_METADATA);
}

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
    resource: DEMO_RESOURCE,
    ...overrides,
  };
}

/** Serves a fresh demo app (its own key cache and revocations) for `idp`. */
export async function startDemo(idp: FakeProvider, overrides: Partial<DemoSettings> = {}): Promise<Served> {
  return serve(await createDemoApp(demoSettings(idp, overrides)));
}
