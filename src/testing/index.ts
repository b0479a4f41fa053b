/** bearer-guard/testing: an in-process fake identity provider for your tests (and ours). */
export { startFakeProvider } from './fake-provider.js';
export type { FakeProvider, FakeProviderOptions, MintOptions, OutageMode } from './fake-provider.js';
export { createFakeKey } from './fake-keys.js';
export type { FakeKey } from './fake-keys.js';
export type { FakeClient } from './token-endpoint.js';
