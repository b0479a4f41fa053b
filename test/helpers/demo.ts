/** The demo server of shared/demo-contract.md, built by `createDemoApp` and served on 127.0.0.1:0. */
import { createDemoApp } from '../../src/demo/app.js';
import type { DemoSettings } from '../../src/demo/settings.js';
import type { FakeProvider } from '../../src/testing/index.js';
import { serve, type Served } from './http.js';

/** The settings the demo server reads from its environment, pointed at a fake provider. */
export function demoSettings(idp: FakeProvider, overrides: Partial<DemoSettings> = {}): DemoSettings {
  return {
    issuerUrl: idp.issuer,
    audience: 'test-api',
    discoveryUrl: idp.issuer,
    host: '127.0.0.1',
    port: 0,
    redisUrl: undefined,
    ...overrides,
  };
}

/** Serves a fresh demo app (its own key cache and revocations) for `idp`. */
export function startDemo(idp: FakeProvider, overrides: Partial<DemoSettings> = {}): Promise<Served> {
  return serve(createDemoApp(demoSettings(idp, overrides)));
}
